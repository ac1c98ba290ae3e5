import Testing

@testable import Relay

/// Every transition of an upstream connection's life; no socket.
@Suite struct UpstreamStateMachineTests {
    var machine = UpstreamStateMachine()

    mutating func idle() {
        let result1 = machine.connected()
        #expect(result1)
        #expect(machine.state == .idle)
    }

    @Test mutating func connectFinishesOnce() {
        #expect(machine.input == .ignore)
        idle()
        let result2 = machine.connected()
        #expect(!result2)
        #expect(machine.input == .unexpected)
    }

    @Test mutating func noLoginMeansReadyAtOnce() {
        idle()
        let result3 = machine.startHandshake(reset: false, loginCommands: 0)
        #expect(result3 == .ready)
        #expect(machine.state == .idle)
    }

    @Test mutating func loginWaitsForEveryReply() {
        idle()
        let result4 = machine.startHandshake(reset: false, loginCommands: 2)
        #expect(result4 == .send(reset: false))
        #expect(machine.input == .handshake)
        let result5 = machine.handshakeReply(isError: false, isReset: false)
        #expect(result5 == .more)
        let result6 = machine.handshakeReply(isError: false, isReset: false)
        #expect(result6 == .ready)
        #expect(machine.state == .idle)
    }

    @Test mutating func resetSkipsWhatTheOldSessionHadComingUntilReset() {
        idle()
        let result7 = machine.startHandshake(reset: true, loginCommands: 1)
        #expect(result7 == .send(reset: true))
        let result8 = machine.handshakeReply(isError: false, isReset: false)
        #expect(result8 == .skipped)  // a late message
        let result9 = machine.handshakeReply(isError: false, isReset: true)
        #expect(result9 == .more)
        let result10 = machine.handshakeReply(isError: false, isReset: false)
        #expect(result10 == .ready)
    }

    @Test mutating func anErrorFailsTheStepItAnswers() {
        idle()
        _ = machine.startHandshake(reset: true, loginCommands: 1)
        let result11 = machine.handshakeReply(isError: true, isReset: false)
        #expect(result11 == .failed(step: "RESET"))
        #expect(machine.state == .closed)

        var login = UpstreamStateMachine()
        _ = login.connected()
        _ = login.startHandshake(reset: false, loginCommands: 1)
        let result12 = login.handshakeReply(isError: true, isReset: false)
        #expect(result12 == .failed(step: "login"))
    }

    @Test mutating func onlyAnIdleConnectionIsAttachedOrHandshaken() {
        let result13 = machine.attach()
        #expect(!result13)
        let result14 = machine.startHandshake(reset: false, loginCommands: 1)
        #expect(result14 == .notIdle)
        idle()
        let result15 = machine.attach()
        #expect(result15)
        #expect(machine.input == .relay)
        let result16 = machine.attach()
        #expect(!result16)
        let result17 = machine.startHandshake(reset: true, loginCommands: 0)
        #expect(result17 == .notIdle)
        machine.detach()
        #expect(machine.state == .idle)
        let result18 = machine.startHandshake(reset: true, loginCommands: 0)
        #expect(result18 == .send(reset: true))
    }

    @Test func anEndIsReportedToWhoeverHoldsTheConnection() {
        var connecting = UpstreamStateMachine()
        let result19 = connecting.ended()
        #expect(result19 == .waiter)
        let result20 = connecting.ended()
        #expect(result20 == .nobody)

        var handshake = UpstreamStateMachine()
        _ = handshake.connected()
        _ = handshake.startHandshake(reset: false, loginCommands: 1)
        let result21 = handshake.ended()
        #expect(result21 == .waiter)

        var idle = UpstreamStateMachine()
        _ = idle.connected()
        let result22 = idle.ended()
        #expect(result22 == .pool)

        var attached = UpstreamStateMachine()
        _ = attached.connected()
        _ = attached.attach()
        let result23 = attached.ended()
        #expect(result23 == .session)
        #expect(attached.input == .ignore)
    }

    @Test func closingByItsOwnerFailsOnlyAnAwaitedStep() {
        var connecting = UpstreamStateMachine()
        let result24 = connecting.close()
        #expect(result24)
        var handshake = UpstreamStateMachine()
        _ = handshake.connected()
        _ = handshake.startHandshake(reset: true, loginCommands: 0)
        let result25 = handshake.close()
        #expect(result25)
        var idle = UpstreamStateMachine()
        _ = idle.connected()
        let result26 = idle.close()
        #expect(!result26)
        let result27 = idle.ended()
        #expect(result27 == .nobody)
    }
}
