import Testing

@testable import Relay

/// The pool's leasing decisions, with numbers for connections and names for waiting
/// clients; no socket, no event loop.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<Int, String>

    final class Loop {}
    let loopA = Loop()
    let loopB = Loop()
    var a: ObjectIdentifier { ObjectIdentifier(loopA) }
    var b: ObjectIdentifier { ObjectIdentifier(loopB) }
    /// Identities for connections and requests.
    let keys = (0..<8).map { _ in Loop() }
    func key(_ index: Int) -> ObjectIdentifier { ObjectIdentifier(keys[index]) }

    static func machine(minIdle: Int = 0, maxIdle: Int = 4, maxTotal: Int = 2) -> Machine {
        Machine(limits: .init(minIdle: minIdle, maxIdle: maxIdle, maxTotal: maxTotal))
    }

    @Test func clientsBeyondTheLimitWaitInOrderForAFreedSlot() {
        var pool = Self.machine()
        guard case .open = pool.acquire(on: a, request: "first", key: key(0)) else { Issue.record(); return }
        guard case .open = pool.acquire(on: a, request: "second", key: key(1)) else { Issue.record(); return }
        guard case .wait(let third) = pool.acquire(on: a, request: "third", key: key(2)) else {
            Issue.record()
            return
        }
        guard case .wait = pool.acquire(on: b, request: "fourth", key: key(3)) else { Issue.record(); return }
        #expect(pool.total == 2 && pool.used == 2 && pool.waiters.count == 2)
        // A connection that closed frees its slot: the first waiter gets a new one.
        let discard = pool.discard(wasUsed: true)?.request
        #expect(discard == "third")
        #expect(pool.total == 2 && pool.used == 2)
        let waitExpired = pool.waitExpired(third)
        #expect(waitExpired == nil)  // served already
        #expect(pool.waiters.map(\.request) == ["fourth"])
    }

    @Test func aConnectionGivenBackGoesToTheFirstWaiterOnItsLoopOrIsReplaced() {
        var pool = Self.machine(maxTotal: 1)
        _ = pool.acquire(on: a, request: "first", key: key(0))
        _ = pool.acquire(on: a, request: "same loop", key: key(1))
        _ = pool.acquire(on: b, request: "other loop", key: key(2))
        guard case .handTo("same loop") = pool.checkIn(1, id: key(4), on: a, wasUsed: true) else {
            Issue.record()
            return
        }
        guard case .replaceFor(let waiter) = pool.checkIn(1, id: key(4), on: a, wasUsed: true) else {
            Issue.record()
            return
        }
        #expect(waiter.request == "other loop" && waiter.loop == b)
        #expect(pool.used == 1 && pool.total == 1)
    }

    @Test func idleConnectionsAreReusedOnTheirLoopAndReplacedAcrossLoopsWhenFull() {
        var pool = Self.machine(maxTotal: 1)
        _ = pool.acquire(on: a, request: "first", key: key(0))
        guard case .keep = pool.checkIn(10, id: key(4), on: a, wasUsed: true) else { Issue.record(); return }
        #expect(pool.used == 0 && pool.idle.count == 1)
        guard case .use(10) = pool.acquire(on: a, request: "again", key: key(1)) else { Issue.record(); return }
        guard case .keep = pool.checkIn(10, id: key(4), on: a, wasUsed: true) else { Issue.record(); return }
        guard case .replace(let other) = pool.acquire(on: b, request: "elsewhere", key: key(2)) else {
            Issue.record()
            return
        }
        #expect(other.connection == 10 && other.loop == a)
        #expect(pool.total == 1 && pool.used == 1 && pool.idle.isEmpty)
    }

    @Test func connectionsBeyondMaxIdleAreClosed() {
        var pool = Self.machine(maxIdle: 1, maxTotal: 3)
        _ = pool.acquire(on: a, request: "1", key: key(0))
        _ = pool.acquire(on: a, request: "2", key: key(1))
        guard case .keep = pool.checkIn(1, id: key(4), on: a, wasUsed: true) else { Issue.record(); return }
        guard case .close = pool.checkIn(2, id: key(5), on: a, wasUsed: true) else { Issue.record(); return }
        #expect(pool.total == 1 && pool.idle.count == 1)
        pool.idleClosed(key(4))
        #expect(pool.total == 0 && pool.idle.isEmpty)
        pool.idleClosed(key(4))  // once only
        #expect(pool.total == 0)
    }

    @Test func aClientThatLeavesGivesUpItsPlaceOrItsRetries() {
        var pool = Self.machine(maxTotal: 1)
        _ = pool.acquire(on: a, request: "opening", key: key(0))
        _ = pool.acquire(on: a, request: "queued", key: key(1))
        let abandon = pool.abandon(key(1))
        #expect(abandon == "queued")
        #expect(pool.waiters.isEmpty)
        // Its connection is being opened: nothing to fail now, and no retry after a failure.
        let abandonAgain = pool.abandon(key(0))
        #expect(abandonAgain == nil)
        let mayRetry = pool.mayRetry(key(0))
        #expect(!mayRetry)
        let mayRetryAgain = pool.mayRetry(key(0))
        #expect(mayRetryAgain)  // forgotten once asked
        _ = pool.abandon(key(0))
        pool.opened(key(0))  // a connection came: the session gives it back
        let mayRetry2 = pool.mayRetry(key(0))
        #expect(mayRetry2)
    }

    @Test func replenishingOpensWhatMinIdleLacksWithinTheLimit() {
        var pool = Self.machine(minIdle: 3, maxTotal: 2)
        let replenish = pool.replenish()
        #expect(replenish == 2)
        let replenishAgain = pool.replenish()
        #expect(replenishAgain == 0)  // being opened counts
        guard case .keep = pool.checkIn(1, id: key(4), on: a, wasUsed: false, replenished: true) else {
            Issue.record()
            return
        }
        _ = pool.discard(wasUsed: false, replenished: true)
        #expect(pool.total == 1 && pool.used == 0 && pool.openingIdle == 0)
        let replenish2 = pool.replenish()
        #expect(replenish2 == 1)
    }

    /// A replenished connection moves from "being opened" to idle in one step: a replenish
    /// right after sees it once, never zero times.
    @Test func aReplenishedConnectionCountsOnceWhenItArrives() {
        var pool = Self.machine(minIdle: 2, maxTotal: 10)
        #expect(pool.replenish() == 2)
        guard case .keep = pool.checkIn(1, id: key(4), on: a, wasUsed: false, replenished: true) else {
            Issue.record()
            return
        }
        #expect(pool.replenish() == 0)  // one idle, one still opening
        _ = pool.discard(wasUsed: false, replenished: true)
        #expect(pool.replenish() == 1)  // the failed one is replaced, once
        #expect(pool.total == 2 && pool.openingIdle == 1)
    }

    @Test func shutdownClosesIdleFailsWaitersAndRefusesNewClients() {
        var pool = Self.machine(maxTotal: 1)
        _ = pool.acquire(on: a, request: "1", key: key(0))
        _ = pool.acquire(on: a, request: "waiting", key: key(1))
        pool.connectStarted()
        let (idle, waiters) = pool.shutdown()
        #expect(idle.isEmpty && waiters.map(\.request) == ["waiting"])
        guard case .fail = pool.acquire(on: a, request: "late", key: key(2)) else { Issue.record(); return }
        guard case .close = pool.checkIn(1, id: key(4), on: a, wasUsed: true) else { Issue.record(); return }
        #expect(pool.total == 0 && pool.used == 0)
        let mayRetry = pool.mayRetry(key(0))
        #expect(!mayRetry)
        let replenish = pool.replenish()
        #expect(replenish == 0)
        let connectEnded = pool.connectEnded()
        #expect(connectEnded)
    }

    @Test func aWaiterWhoseTimeIsUpIsFailedOnce() {
        var pool = Self.machine(maxTotal: 0)
        guard case .wait(let id) = pool.acquire(on: a, request: "late", key: key(0)) else {
            Issue.record()
            return
        }
        let waitExpired = pool.waitExpired(id)
        #expect(waitExpired == "late")
        let waitExpiredAgain = pool.waitExpired(id)
        #expect(waitExpiredAgain == nil)
    }

    @Test func retargetingDropsIdleConnectionsAndRefusesOldOnesComingBack() {
        var pool = Self.machine(maxIdle: 4, maxTotal: 4)
        guard case .open = pool.acquire(on: a, request: "1", key: key(0)) else { Issue.record(); return }
        guard case .open = pool.acquire(on: a, request: "2", key: key(1)) else { Issue.record(); return }
        let old = pool.generation
        guard case .keep = pool.checkIn(1, id: key(4), on: a, wasUsed: true, generation: old) else {
            Issue.record()
            return
        }
        #expect(pool.total == 2 && pool.idle.count == 1 && pool.used == 1)
        let dropped = pool.retarget()
        #expect(dropped.map(\.connection) == [1])
        #expect(pool.generation == old + 1 && pool.total == 1 && pool.idle.isEmpty)
        // The connection still in use comes back after its reset: closed, its slot freed.
        guard case .close = pool.checkIn(2, id: key(5), on: a, wasUsed: true, generation: old) else {
            Issue.record()
            return
        }
        #expect(pool.total == 0 && pool.used == 0)
        // One opened since is kept.
        guard case .open = pool.acquire(on: a, request: "3", key: key(2)) else { Issue.record(); return }
        guard case .keep = pool.checkIn(3, id: key(6), on: a, wasUsed: true, generation: pool.generation) else {
            Issue.record()
            return
        }
        #expect(pool.total == 1 && pool.idle.count == 1)
    }
}
