import Testing

@testable import Relay

/// Every transition of an upstream connection's life; no socket.
@Suite struct UpstreamStateMachineTests {
    var machine = UpstreamStateMachine()

    mutating func idle() {
        let connected = machine.connected()
        #expect(connected == .ready)
        #expect(machine.state == .idle)
    }

    @Test mutating func connectFinishesOnce() {
        #expect(machine.input == .ignore)
        idle()
        let connected = machine.connected()
        #expect(connected == .ignored)
        #expect(machine.input == .unexpected)
    }

    @Test func tlsHandshakeComesBetweenConnectAndIdle() {
        var tls = UpstreamStateMachine(tls: true)
        let connected = tls.connected()
        #expect(connected == .handshakeTLS)
        #expect(tls.isSecuring)
        #expect(tls.input == .ignore)
        let early = tls.startHandshake(reset: false, loginCommands: 1)
        #expect(early == .notIdle)
        let established = tls.tlsEstablished()
        #expect(established)
        #expect(tls.state == .idle)
        let again = tls.tlsEstablished()
        #expect(!again)
        let login = tls.startHandshake(reset: false, loginCommands: 1)
        #expect(login == .send(reset: false))
    }

    @Test func failedTLSHandshakeTellsTheWaiter() {
        var failed = UpstreamStateMachine(tls: true)
        _ = failed.connected()
        let ended = failed.ended()
        #expect(ended == .waiter)
        var closed = UpstreamStateMachine(tls: true)
        _ = closed.connected()
        let awaited = closed.close()
        #expect(awaited)
        let established = closed.tlsEstablished()
        #expect(!established)
    }

    @Test mutating func noLoginMeansReadyAtOnce() {
        idle()
        let startHandshake = machine.startHandshake(reset: false, loginCommands: 0)
        #expect(startHandshake == .ready)
        #expect(machine.state == .idle)
    }

    @Test mutating func loginWaitsForEveryReply() {
        idle()
        let startHandshake = machine.startHandshake(reset: false, loginCommands: 2)
        #expect(startHandshake == .send(reset: false))
        #expect(machine.input == .handshake)
        let handshakeReply = machine.handshakeReply(isError: false, isReset: false)
        #expect(handshakeReply == .more)
        let handshakeReplyAgain = machine.handshakeReply(isError: false, isReset: false)
        #expect(handshakeReplyAgain == .ready)
        #expect(machine.state == .idle)
    }

    @Test mutating func resetSkipsWhatTheOldSessionHadComingUntilReset() {
        idle()
        let startHandshake = machine.startHandshake(reset: true, loginCommands: 1)
        #expect(startHandshake == .send(reset: true))
        let handshakeReply = machine.handshakeReply(isError: false, isReset: false)
        #expect(handshakeReply == .skipped)  // a late message
        let handshakeReplyAgain = machine.handshakeReply(isError: false, isReset: true)
        #expect(handshakeReplyAgain == .more)
        let handshakeReply2 = machine.handshakeReply(isError: false, isReset: false)
        #expect(handshakeReply2 == .ready)
    }

    @Test mutating func anErrorFailsTheStepItAnswers() {
        idle()
        _ = machine.startHandshake(reset: true, loginCommands: 1)
        let handshakeReply = machine.handshakeReply(isError: true, isReset: false)
        #expect(handshakeReply == .failed(step: "RESET"))
        #expect(machine.state == .closed)

        var login = UpstreamStateMachine()
        _ = login.connected()
        _ = login.startHandshake(reset: false, loginCommands: 1)
        let loginHandshakeReply = login.handshakeReply(isError: true, isReset: false)
        #expect(loginHandshakeReply == .failed(step: "login"))
    }

    @Test mutating func onlyAnIdleConnectionIsAttachedOrHandshaken() {
        let attach = machine.attach()
        #expect(!attach)
        let startHandshake = machine.startHandshake(reset: false, loginCommands: 1)
        #expect(startHandshake == .notIdle)
        idle()
        let attachAgain = machine.attach()
        #expect(attachAgain)
        #expect(machine.input == .relay)
        let attach2 = machine.attach()
        #expect(!attach2)
        let startHandshakeAgain = machine.startHandshake(reset: true, loginCommands: 0)
        #expect(startHandshakeAgain == .notIdle)
        machine.detach()
        #expect(machine.state == .idle)
        let startHandshake2 = machine.startHandshake(reset: true, loginCommands: 0)
        #expect(startHandshake2 == .send(reset: true))
    }

    @Test func anEndIsReportedToWhoeverHoldsTheConnection() {
        var connecting = UpstreamStateMachine()
        let connectingEnded = connecting.ended()
        #expect(connectingEnded == .waiter)
        let connectingEndedAgain = connecting.ended()
        #expect(connectingEndedAgain == .nobody)

        var handshake = UpstreamStateMachine()
        _ = handshake.connected()
        _ = handshake.startHandshake(reset: false, loginCommands: 1)
        let handshakeEnded = handshake.ended()
        #expect(handshakeEnded == .waiter)

        var idle = UpstreamStateMachine()
        _ = idle.connected()
        let idleEnded = idle.ended()
        #expect(idleEnded == .pool)

        var attached = UpstreamStateMachine()
        _ = attached.connected()
        _ = attached.attach()
        let attachedEnded = attached.ended()
        #expect(attachedEnded == .session)
        #expect(attached.input == .ignore)
    }

    @Test func closingByItsOwnerFailsOnlyAnAwaitedStep() {
        var connecting = UpstreamStateMachine()
        let connectingClose = connecting.close()
        #expect(connectingClose)
        var handshake = UpstreamStateMachine()
        _ = handshake.connected()
        _ = handshake.startHandshake(reset: true, loginCommands: 0)
        let handshakeClose = handshake.close()
        #expect(handshakeClose)
        var idle = UpstreamStateMachine()
        _ = idle.connected()
        let idleClose = idle.close()
        #expect(!idleClose)
        let idleEnded = idle.ended()
        #expect(idleEnded == .nobody)
    }
}
