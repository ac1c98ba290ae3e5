import EpollIO
import NIOConcurrencyHelpers
import NIOCore
import RESP
import Relay

/// Shared mode's counts for `/metrics` and `/stats`: open shared connections, pinned
/// clients by reason (now and in total) and commands per write of a shared connection.
/// Pins take a lock once per pin; batches are counted per loop (``BatchCounter``, its own
/// lock, uncontended but for scrapes), never per command.
public final class SharedStatistics: Sendable {
    /// Buckets of `redislens_upstream_batch_commands`: 1, 2, 4, ... 1024.
    public static let batchBounds: [Int] = (0...10).map { 1 << $0 }

    /// Counts at one moment.
    public struct Snapshot: Sendable {
        /// Open shared connections.
        public var connections = 0
        /// Clients pinned now, by ``PinReason/index``.
        public var pinned = [Int](repeating: 0, count: PinReason.allCases.count)
        /// Pins since start, by ``PinReason/index``.
        public var pins = [UInt64](repeating: 0, count: PinReason.allCases.count)
        /// Writes by commands (``batchBounds``, then above the last; not cumulative).
        public var batchBuckets = [UInt64](repeating: 0, count: SharedStatistics.batchBounds.count + 1)
        /// Commands in every write counted.
        public var batchSum: UInt64 = 0
    }

    /// One loop's batch counts.
    final class BatchCounter: Sendable {
        fileprivate let counts = NIOLockedValueBox(
            (buckets: [UInt64](repeating: 0, count: SharedStatistics.batchBounds.count + 1), sum: UInt64(0)))

        /// One write of a shared connection carried `commands` requests.
        func record(commands: Int) {
            let bucket =
                SharedStatistics.batchBounds.firstIndex { commands <= $0 } ?? SharedStatistics.batchBounds.count
            counts.withLockedValue {
                $0.buckets[bucket] += 1
                $0.sum += UInt64(commands)
            }
        }
    }

    private let state = NIOLockedValueBox(Snapshot())
    /// Batch counts by loop index.
    let batches: [BatchCounter]

    init(loops: Int) {
        batches = (0..<max(loops, 1)).map { _ in BatchCounter() }
    }

    /// Counts at this moment.
    public var snapshot: Snapshot {
        var snapshot = state.withLockedValue { $0 }
        for counter in batches {
            let (buckets, sum) = counter.counts.withLockedValue { ($0.buckets, $0.sum) }
            for index in buckets.indices { snapshot.batchBuckets[index] += buckets[index] }
            snapshot.batchSum += sum
        }
        return snapshot
    }

    func sharedConnectionOpened() { state.withLockedValue { $0.connections += 1 } }
    func sharedConnectionClosed() { state.withLockedValue { $0.connections -= 1 } }

    /// A client was pinned for `reason`.
    func pinned(_ reason: PinReason) {
        state.withLockedValue {
            $0.pinned[reason.index] += 1
            $0.pins[reason.index] += 1
        }
    }

    /// A client pinned for `reason` went back to shared, or closed.
    func unpinned(_ reason: PinReason) {
        state.withLockedValue { $0.pinned[reason.index] -= 1 }
    }
}
