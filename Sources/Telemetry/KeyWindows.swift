import RESP
import RedisCommands

/// One shard's hot keys (when on) and largest requests and replies by key, in tumbling
/// windows of ``KeyWindowConfiguration/windowNanos`` aligned on the monotonic clock, so
/// every shard's window `n` covers the same time. The shard rotates lazily: the first
/// keyed command after the window's end starts the next one (the current window becoming
/// the previous, or both emptied after a quiet window). A final class so the shard
/// mutates it in place.
final class KeyWindows {
    private let windowNanos: UInt64
    private var index: UInt64 = 0
    private var windowEnd: UInt64 = 0
    private var previousIndex: UInt64?
    private let hotKeysOn: Bool
    private var hot: SpaceSaving
    private var previousHot: SpaceSaving
    private var requests: LargestByKey
    private var replies: LargestByKey
    private var previousRequests: LargestByKey
    private var previousReplies: LargestByKey
    /// Keyed commands in the current window.
    private var commands: UInt64 = 0
    private var previousCommands: UInt64 = 0

    init(_ configuration: KeyWindowConfiguration) {
        windowNanos = max(configuration.windowNanos, 1)
        hotKeysOn = configuration.hotKeys
        // Off: one idle counter each, never touched.
        let counters = configuration.hotKeys ? configuration.topK * KeyWindowConfiguration.countersPerK : 1
        hot = SpaceSaving(capacity: counters)
        previousHot = SpaceSaving(capacity: counters)
        requests = LargestByKey(capacity: configuration.topK)
        replies = LargestByKey(capacity: configuration.topK)
        previousRequests = LargestByKey(capacity: configuration.topK)
        previousReplies = LargestByKey(capacity: configuration.topK)
    }

    /// Counts one keyed command (its first key is `event.firstArgument`).
    @inline(__always)
    func record(_ event: inout CommandEvent, category: CommandCategory, hits: Int, misses: Int) {
        if event.endNanos >= windowEnd { rotate(to: event.endNanos / windowNanos) }
        commands &+= 1
        if hotKeysOn {
            hot.record(
                event.firstArgument, read: category == .read, write: category == .write || category == .delete,
                hits: hits, misses: misses)
        }
        if event.requestBytes > requests.floor {
            requests.offer(
                BigKeyEntry(
                    key: event.firstArgument, commandID: event.commandID, bytes: event.requestBytes,
                    endNanos: event.endNanos))
        }
        if event.replyBytes > replies.floor {
            replies.offer(
                BigKeyEntry(
                    key: event.firstArgument, commandID: event.commandID, bytes: event.replyBytes,
                    endNanos: event.endNanos))
        }
    }

    private func rotate(to newIndex: UInt64) {
        // Events complete out of order across connections by a little: one from before the
        // current window's start counts in the current window.
        guard newIndex > index || windowEnd == 0 else { return }
        if newIndex == index &+ 1 && windowEnd != 0 {
            swap(&hot, &previousHot)
            swap(&requests, &previousRequests)
            swap(&replies, &previousReplies)
            previousIndex = index
            previousCommands = commands
        } else {
            previousHot.reset()
            previousRequests.reset()
            previousReplies.reset()
            previousIndex = nil
            previousCommands = 0
        }
        hot.reset()
        requests.reset()
        replies.reset()
        commands = 0
        index = newIndex
        windowEnd = (newIndex &+ 1) &* windowNanos
    }

    /// Copies of the current and previous windows (those that have begun).
    func snapshots() -> [KeyWindowSnapshot] {
        guard windowEnd != 0 else { return [] }
        var result = [
            KeyWindowSnapshot(
                index: index, commands: commands, hotKeys: hot.counters, hotKeyFloor: hot.floor,
                requests: requests.all, replies: replies.all)
        ]
        if let previousIndex {
            result.append(
                KeyWindowSnapshot(
                    index: previousIndex, commands: previousCommands, hotKeys: previousHot.counters,
                    hotKeyFloor: previousHot.floor, requests: previousRequests.all,
                    replies: previousReplies.all))
        }
        return result
    }
}

/// One shard's copy of one key window.
public struct KeyWindowSnapshot: Sendable {
    /// The window's number: it covers monotonic time `[index, index + 1) * windowNanos`.
    public var index: UInt64
    /// Keyed commands counted (`N` of the error bound).
    public var commands: UInt64
    /// The Space-Saving counters (empty when hot keys are off).
    public var hotKeys: [HotKeyCounter]
    /// The smallest counter once all were in use, else 0: what a key without a counter in
    /// this shard may have had.
    public var hotKeyFloor: UInt64
    /// The largest requests by key.
    public var requests: [BigKeyEntry]
    /// The largest replies by key.
    public var replies: [BigKeyEntry]

    /// A window with these values.
    public init(
        index: UInt64, commands: UInt64, hotKeys: [HotKeyCounter], hotKeyFloor: UInt64, requests: [BigKeyEntry],
        replies: [BigKeyEntry]
    ) {
        self.index = index
        self.commands = commands
        self.hotKeys = hotKeys
        self.hotKeyFloor = hotKeyFloor
        self.requests = requests
        self.replies = replies
    }
}
