import Testing

@testable import Relay

/// Following a Sentinel-managed primary: which sentinel is asked, when an address is
/// checked, when the pool moves; no socket.
@Suite struct SentinelStateMachineTests {
    typealias Machine = SentinelStateMachine
    typealias Address = SentinelStateMachine.Address

    let first = Address(host: "10.0.0.1", port: 6379)
    let second = Address(host: "10.0.0.2", port: 6379)

    /// A machine that found `first` through sentinel 0.
    func following() -> Machine {
        var machine = Machine(sentinelCount: 3)
        _ = machine.timer()
        _ = machine.sentinelAnswered(0, primary: first)
        _ = machine.roleChecked(first, isPrimary: true)
        return machine
    }

    @Test func theFirstPrimaryIsUsedOnceItsRoleIsMasterAndIsNoFailover() {
        var machine = Machine(sentinelCount: 3)
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelAnswered(0, primary: first) == .verify(first))
        #expect(machine.roleChecked(first, isPrimary: true) == .use(primary: first, previous: nil))
        #expect(machine.primary == first && machine.failovers == 0)
        #expect(machine.sentinelUp == [true, false, false])
        #expect(!machine.isAsking)
    }

    @Test func anUnreachableSentinelIsSkippedAndTheOneThatAnsweredIsAskedFirstNextTime() {
        var machine = Machine(sentinelCount: 3)
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelUnreachable(0) == .ask(sentinel: 1))
        #expect(machine.sentinelAnswered(1, primary: first) == .verify(first))
        #expect(machine.roleChecked(first, isPrimary: true) == .use(primary: first, previous: nil))
        #expect(machine.sentinelUp == [false, true, false])
        #expect(machine.timer() == .ask(sentinel: 1))
        // The same primary: nothing to check; one sentinel not asked is probed.
        #expect(machine.sentinelAnswered(1, primary: first) == .probe(sentinel: 0))
        #expect(machine.sentinelProbed(0, reachable: true) == .idle)
        #expect(machine.sentinelUp == [true, true, false])
        // The next round probes the next one.
        #expect(machine.timer() == .ask(sentinel: 1))
        #expect(machine.sentinelAnswered(1, primary: first) == .probe(sentinel: 2))
        #expect(machine.sentinelProbed(2, reachable: false) == .idle)
        #expect(machine.sentinelUp == [true, true, false])
    }

    @Test func whenNoSentinelAnswersTheRoundEndsAndThePrimaryStays() {
        var machine = following()
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelUnreachable(0) == .ask(sentinel: 1))
        #expect(machine.sentinelUnreachable(1) == .ask(sentinel: 2))
        #expect(machine.sentinelUnreachable(2) == .idle)
        #expect(machine.primary == first && machine.sentinelUp == [false, false, false])
        #expect(!machine.isAsking)
    }

    @Test func aStaleSentinelIsNotBelievedTheNextOneIsAsked() {
        var machine = following()
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelAnswered(0, primary: second) == .verify(second))
        // `second` is still a replica: sentinel 0 is ahead of (or behind) the others.
        #expect(machine.roleChecked(second, isPrimary: false) == .ask(sentinel: 1))
        #expect(machine.sentinelAnswered(1, primary: first) == .probe(sentinel: 2))
        #expect(machine.primary == first && machine.failovers == 0)
    }

    @Test func aSentinelThatDoesNotKnowTheNameSendsTheQuestionOn() {
        var machine = Machine(sentinelCount: 2)
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelAnswered(0, primary: nil) == .ask(sentinel: 1))
        #expect(machine.sentinelAnswered(1, primary: nil) == .idle)  // both asked: none to probe
        #expect(machine.primary == nil)
    }

    @Test func aFailoverFoundByAskingMovesThePoolAndCounts() {
        var machine = following()
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelAnswered(0, primary: second) == .verify(second))
        #expect(machine.roleChecked(second, isPrimary: true) == .use(primary: second, previous: first))
        #expect(machine.primary == second && machine.failovers == 1)
    }

    @Test func aSwitchMessageIsCheckedBeforeItIsUsed() {
        var machine = following()
        #expect(machine.switchAnnounced(to: first) == .idle)  // already there
        #expect(machine.switchAnnounced(to: second) == .verify(second))
        #expect(machine.roleChecked(second, isPrimary: false) == .idle)  // not promoted (yet)
        #expect(machine.primary == first)
        #expect(machine.switchAnnounced(to: second) == .verify(second))
        #expect(machine.roleChecked(second, isPrimary: true) == .use(primary: second, previous: first))
        #expect(machine.failovers == 1)
        // The periodic round then finds the same primary: no second failover.
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.sentinelAnswered(0, primary: second) == .probe(sentinel: 1))
        #expect(machine.failovers == 1)
    }

    @Test func aTimerDuringARoundStartsNoOther() {
        var machine = Machine(sentinelCount: 2)
        #expect(machine.timer() == .ask(sentinel: 0))
        #expect(machine.timer() == .idle)
        #expect(machine.sentinelUnreachable(0) == .ask(sentinel: 1))
    }
}
