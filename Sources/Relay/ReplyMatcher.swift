import Cluster
import RESP
import RedisCommands

/// Pairs replies with requests, in order, for one client connection.
///
/// Redis answers commands in the order it received them, so a FIFO suffices, except
/// for frames that answer nothing: pub/sub messages, `MONITOR` lines, RESP3 pushes
/// (client-tracking invalidations), and commands whose reply the client switched off.
/// Forwarding never depends on this state: a frame the matcher cannot place is still
/// forwarded, only left out of telemetry.
package struct ReplyMatcher: ~Copyable {
    package enum ReplyKind: Equatable {
        /// The reply completed or advanced a pending command.
        case matched
        /// Out-of-band data: a published message, a monitor line, a push.
        case outOfBand
        /// A reply with no pending command (the matcher lost track; counted, not fatal).
        case unmatched
    }

    private enum ReplyMode { case on, off, skipNext }

    /// The connection's id in events.
    package var connectionID: UInt64 = 0
    private var pending = PendingQueue()
    private var replyMode = ReplyMode.on
    private var inTransaction = false
    private var subscriptions: (channels: Int, patterns: Int, shards: Int) = (0, 0, 0)
    package private(set) var monitoring = false
    /// Whether Redis answered `QUIT` (it then closes, answering nothing after it).
    package private(set) var quitAnswered = false
    /// Pending commands that expect a reply (not switched off by `CLIENT REPLY`).
    private var owed = 0
    /// Pending commands whose reply was switched off (so most replies skip looking for them).
    private var suppressed = 0
    /// The open `MULTI`'s queued commands, waiting for `EXEC`'s reply.
    private var transaction = TransactionPairing()
    /// What each pending `CLIENT SETNAME`/`SETINFO` or `HELLO` (with a reply coming, not
    /// queued) would change, in order; applied when Redis accepts it.
    private var identityChanges: [ClientIdentityChange?] = []
    /// Whether Redis accepted a name for the connection (so `RESET` reports clearing it).
    private var named = false

    /// A matcher with nothing pending, for a new connection.
    package init() {}

    /// Whether a reply is still owed to the client.
    package var awaitingReplies: Bool { owed > 0 }

    /// Whether a `MULTI` was sent and no `EXEC`, `DISCARD` or `RESET` after it.
    package var isInTransaction: Bool { inTransaction }

    /// Whether commands whose reply was switched off are still pending.
    package var hasSuppressed: Bool { suppressed > 0 }

    /// How many `RESET`s Redis answered `+RESET` so far.
    package private(set) var resetsAnswered = 0

    /// Whether the next reply frame is (or continues) `EXEC`'s array, which the caller
    /// splits: ``execHeader(_:at:sink:)``, then ``execElement(_:at:sink:)`` per element.
    package var expectsExecElements: Bool {
        guard transaction.execsPending > 0, !pending.isEmpty else { return false }
        // Read in place: `pending.first` copies the whole entry.
        let head = pending.firstEntry
        guard case .endTransaction = head.pointee.role else { return false }
        return transaction.elementsLeft != nil || head.pointee.event.name.equalsCaseInsensitive("EXEC")
    }

    /// The topology reply the next reply frame is, when the oldest pending command is a
    /// `CLUSTER SLOTS`, `SHARDS`, `NODES`, `REPLICAS` or `SLAVES` outside a transaction.
    package var headTopologyReply: TopologyReply? {
        guard !pending.isEmpty else { return nil }
        let head = pending.firstEntry
        guard case .ordinary = head.pointee.role else { return nil }
        return TopologyReply(command: head.pointee.event.name, subcommand: head.pointee.event.firstArgument)
    }

    /// Whether the connection is in RESP2 subscribed mode or streams monitor lines.
    package var isSubscribed: Bool { subscriptions.channels + subscriptions.patterns + subscriptions.shards > 0 }

    /// Records a forwarded request. Returns false for an empty command (no reply comes).
    /// `frame` is `inout` only to be read in place: by value, the caller copied each
    /// request's summary before its heads were copied into the queue
    /// (`docs/decisions/0002-hand-written-epoll-data-path.md`). `endOffset` is where the
    /// request ends in the bytes relayed upstream (see ``sent(through:at:)``).
    @inline(__always)
    package mutating func request(
        _ frame: inout RESPFrame,
        role: CommandRole,
        commandID: Int = CommandTable.otherID,
        at now: UInt64,
        endOffset: UInt64 = 0,
        sink: any CommandEventSink
    ) -> Bool {
        guard frame.count > 0 else { return false }
        if case .ordinary = role, !inTransaction, replyMode == .on {
            // The common case: one reply, nothing else changes.
            owed += 1
            pending.append(
                PendingRequest(
                    frame: frame, connectionID: connectionID, commandID: commandID, role: role, startNanos: now,
                    expectedReplies: 1, endOffset: endOffset))
        } else {
            special(frame, role: role, commandID: commandID, at: now, endOffset: endOffset, sink: sink)
        }
        return true
    }

    /// The upstream took the first `offset` relayed bytes: the pending requests that end
    /// within them get `now` as their `sentNanos` (read once, and only if one does).
    @inline(__always)
    package mutating func sent(through offset: UInt64, at now: @autoclosure () -> UInt64) {
        pending.stampSent(through: offset, at: now())
    }

    /// Records a request that may name the connection or its library (`CLIENT SETNAME`,
    /// `CLIENT SETINFO`, `HELLO`): `change` is reported once Redis accepts it. `endOffset` as
    /// in ``request(_:role:commandID:at:endOffset:sink:)``.
    package mutating func identityRequest(
        _ frame: inout RESPFrame, role: CommandRole, commandID: Int, change: ClientIdentityChange?, at now: UInt64,
        endOffset: UInt64 = 0, sink: any CommandEventSink
    ) {
        special(
            frame, role: role, commandID: commandID, at: now, endOffset: endOffset, sink: sink, identityChange: change)
    }

    /// Records a request that changes the connection's state or expects other than one reply.
    private mutating func special(
        _ frame: RESPFrame, role: CommandRole, commandID: Int, at now: UInt64, endOffset: UInt64,
        sink: any CommandEventSink, identityChange: ClientIdentityChange? = nil
    ) {
        var expected: Int? = 1
        let queued = inTransaction && !role.isNeverQueued
        if queued {
            // Queued: answered `+QUEUED` now, takes effect inside EXEC.
        } else {
            switch role {
            case .subscribe:
                expected = max(frame.count - 1, 1)
            case .unsubscribe:
                expected = frame.count > 1 ? frame.count - 1 : nil
            case .clientReplyOff:
                replyMode = .off
                expected = 0
            case .clientReplySkip:
                if replyMode == .on { replyMode = .skipNext }
                expected = 0
            case .clientReplyOn:
                replyMode = .on
            case .reset:
                // Redis clears CLIENT REPLY OFF before answering RESET (SKIP still skips it).
                if replyMode == .off { replyMode = .on }
                inTransaction = false
            case .multi:
                inTransaction = true
            case .endTransaction:
                inTransaction = false
                if expected == 1 && replyMode == .on && frame.first.equalsCaseInsensitive("EXEC") {
                    transaction.execsPending += 1
                }
            default:
                break
            }
        }
        let isPubSub: Bool
        switch role {
        case .subscribe, .unsubscribe: isPubSub = !inTransaction
        default: isPubSub = false
        }
        if expected != 0 {
            switch replyMode {
            case .on: break
            // (Un)subscribe confirmations are pushed even when replies are off.
            case .off: expected = isPubSub ? expected : 0
            case .skipNext:
                replyMode = .on
                expected = isPubSub ? expected : 0
            }
        }
        var entry = PendingRequest(
            frame: frame, connectionID: connectionID, commandID: commandID, role: queued ? .queued : role,
            startNanos: now, expectedReplies: expected, queued: queued, endOffset: endOffset)
        if expected == 0 && pending.isEmpty {
            entry.end(.suppressed, at: now)
            endsTransactionUnseen(entry.role, at: now, sink: sink)
            sink.record(&entry.event)
        } else {
            if expected != 0 { owed += 1 } else { suppressed += 1 }
            if expected != 0 && !queued && role.mayIdentifyClient { identityChanges.append(identityChange) }
            pending.append(entry)
        }
    }

    /// Places one reply frame, recording every command it completes. Like the helpers it
    /// calls, it takes the frame `inout` only to read it in place: passed by value, each
    /// reply's summary was copied (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    @inline(__always)
    package mutating func reply(_ frame: inout RESPFrame, at now: UInt64, sink: any CommandEventSink) -> ReplyKind {
        flushSuppressed(at: now, sink: sink)
        if let kind = classifyOutOfBand(&frame) {
            if kind != .matched { return kind }
        }
        guard !pending.isEmpty else { return .unmatched }
        let head = pending.firstEntry
        if case .ordinary = head.pointee.role {
            // The common case: the one reply of an ordinary command completes it.
            owed -= 1
            head.pointee.event.replyBytes = frame.byteCount
            head.pointee.complete(reply: &frame, at: now)
            sink.record(&head.pointee.event)
            pending.dropFirst()
            flushSuppressed(at: now, sink: sink)
            return .matched
        }
        return replyToSpecial(&frame, at: now, sink: sink)
    }

    /// Places a reply for a command that expects several, or changes the connection's state.
    @inline(__always)
    private mutating func replyToSpecial(
        _ frame: inout RESPFrame, at now: UInt64, sink: any CommandEventSink
    ) -> ReplyKind {
        let head = pending.firstEntry
        if case .queued = head.pointee.role { return replyToQueued(&frame, at: now, sink: sink) }
        if head.pointee.expectedReplies == nil, case .unsubscribe(let kind) = head.pointee.role {
            head.pointee.expectedReplies = max(count(of: kind), 1)
        }
        if headIsPubSub { noteConfirmation(frame) }
        head.pointee.repliesSeen += 1
        head.pointee.event.replyBytes += frame.byteCount
        if frame.type.isError || head.pointee.repliesSeen >= (head.pointee.expectedReplies ?? 1) {
            owed -= 1
            let role = head.pointee.role
            if !frame.type.isError { applyEffects(of: role) }
            let change = role.mayIdentifyClient || role == .reset ? identityChange(of: role, &frame) : nil
            head.pointee.complete(reply: &frame, at: now)
            noteTransactionEnd(head.pointee, at: now, sink: sink)
            sink.record(&head.pointee.event)
            pending.dropFirst()
            if let change { sink.clientIdentified(id: connectionID, change) }
            flushSuppressed(at: now, sink: sink)
        }
        return .matched
    }

    /// A command queued inside `MULTI` was answered: `+QUEUED` holds it until `EXEC`'s
    /// reply; an error (rejected at queue time: Redis's `rejected_calls`) ends it now.
    private mutating func replyToQueued(
        _ frame: inout RESPFrame, at now: UInt64, sink: any CommandEventSink
    ) -> ReplyKind {
        let head = pending.firstEntry
        owed -= 1
        if frame.type.isError {
            head.pointee.event.replyBytes = frame.byteCount
            head.pointee.complete(reply: &frame, at: now)
            sink.record(&head.pointee.event)
        } else {
            head.pointee.event.endNanos = now
            transaction.queued(head.pointee)
        }
        pending.dropFirst()
        flushSuppressed(at: now, sink: sink)
        return .matched
    }

    /// The header of `EXEC`'s array (its size in `header.byteCount`; a negative count is
    /// a null reply: a `WATCH` conflict).
    package mutating func execHeader(_ header: inout RESPFrame, at now: UInt64, sink: any CommandEventSink) {
        let head = pending.firstEntry
        head.pointee.event.replyBytes += header.byteCount
        head.pointee.event.replyCount = header.count
        transaction.elementsLeft = max(header.count, 0)
        if header.count <= 0 { finishExec(isNull: header.count < 0, at: now, sink: sink) }
    }

    /// One element of `EXEC`'s array: the reply of the next queued command.
    package mutating func execElement(_ element: inout RESPFrame, at now: UInt64, sink: any CommandEventSink) {
        pending.firstEntry.pointee.event.replyBytes += element.byteCount
        transaction.element(&element, sink: sink)
        let left = (transaction.elementsLeft ?? 1) - 1
        transaction.elementsLeft = left
        if left == 0 { finishExec(isNull: false, at: now, sink: sink) }
    }

    /// `EXEC`'s whole array was paired: record `EXEC` and end the transaction.
    private mutating func finishExec(isNull: Bool, at now: UInt64, sink: any CommandEventSink) {
        let head = pending.firstEntry
        owed -= 1
        head.pointee.event.endNanos = now
        head.pointee.event.outcome = .replied
        head.pointee.event.replyType = .array
        head.pointee.event.replyIsNull = isNull
        head.pointee.event.error = nil
        transaction.execsPending -= 1
        transaction.close(.discarded, transaction: isNull ? .watchConflict : .exec, at: now, sink: sink)
        sink.record(&head.pointee.event)
        pending.dropFirst()
        flushSuppressed(at: now, sink: sink)
    }

    /// `EXEC` (answered whole: an error or a RESP3 null), `DISCARD` or `RESET` ended the
    /// open transaction: its queued commands are recorded before the command itself.
    private mutating func noteTransactionEnd(_ entry: PendingRequest, at now: UInt64, sink: any CommandEventSink) {
        switch entry.role {
        case .multi:
            if entry.event.error == nil && !transaction.isOpen { transaction.open(at: entry.event.startNanos) }
        case .endTransaction where entry.event.name.equalsCaseInsensitive("EXEC"):
            transaction.execsPending -= 1
            let outcome: TransactionOutcome =
                entry.event.error != nil ? .abort : entry.event.replyIsNull ? .watchConflict : .exec
            // An array here was not split (never on the data path): its commands' results are unknown.
            transaction.close(outcome == .exec ? .suppressed : .discarded, transaction: outcome, at: now, sink: sink)
        case .endTransaction, .reset:
            if entry.event.error == nil { transaction.close(.discarded, transaction: .discard, at: now, sink: sink) }
        default:
            break
        }
    }

    /// A command that ends a transaction had its reply switched off: its queued commands'
    /// fate is unknown, so they are recorded without a reply and the transaction is not counted.
    private mutating func endsTransactionUnseen(_ role: CommandRole, at now: UInt64, sink: any CommandEventSink) {
        switch role {
        case .endTransaction, .reset: transaction.close(.suppressed, transaction: nil, at: now, sink: sink)
        default: break
        }
    }

    /// What the head command, answered by `reply`, changed of the connection's identity:
    /// `CLIENT SETNAME`/`SETINFO` and `HELLO` when accepted, the name `RESET` clears.
    private mutating func identityChange(of role: CommandRole, _ reply: inout RESPFrame) -> ClientIdentityChange? {
        if role == .reset {
            guard !reply.type.isError, named else { return nil }
            named = false
            return .name(ClientText([UInt8]()))
        }
        let change = identityChanges.isEmpty ? nil : identityChanges.removeFirst()
        guard let change, !reply.type.isError else { return nil }
        if case .name(let text) = change { named = !text.isEmpty }
        return change
    }

    /// Ends every pending command without a reply (the connection is gone); returns how
    /// many of them were owed a reply.
    package mutating func abortAll(at now: UInt64, sink: any CommandEventSink) -> Int {
        identityChanges.removeAll()
        transaction.close(.aborted, transaction: nil, at: now, sink: sink)
        transaction.execsPending = 0
        while var entry = pending.popFirst() {
            entry.end(entry.expectedReplies == 0 ? .suppressed : .aborted, at: now)
            sink.record(&entry.event)
        }
        let aborted = owed
        owed = 0
        suppressed = 0
        return aborted
    }

    // MARK: - Private

    /// Returns `.outOfBand` for frames that answer no request, `.matched` for a pub/sub
    /// confirmation the head command awaits, nil for an ordinary reply.
    @inline(__always)
    private mutating func classifyOutOfBand(_ frame: inout RESPFrame) -> ReplyKind? {
        switch frame.type {
        case .push:
            if SubscriptionKind.confirmation(frame.first) != nil {
                if headIsPubSub { return .matched }
                noteConfirmation(frame)
            }
            return .outOfBand
        case .array where isSubscribed || headIsPubSub:
            if SubscriptionKind.isMessage(frame.first) && isSubscribed { return .outOfBand }
            return nil
        case .simpleString where monitoring:
            if frame.first.count > 0 && frame.first[0] >= UInt8(ascii: "0") && frame.first[0] <= UInt8(ascii: "9") {
                return .outOfBand
            }
            return nil
        default:
            return nil
        }
    }

    private var headIsPubSub: Bool {
        guard !pending.isEmpty else { return false }
        switch pending.first.role {
        case .subscribe, .unsubscribe: return true
        default: return false
        }
    }

    /// Tracks subscription counts from a (un)subscribe confirmation:
    /// `[kind, channel, count]` where count is channels+patterns, or shard channels.
    @inline(__always)
    private mutating func noteConfirmation(_ frame: RESPFrame) {
        guard frame.type == .array || frame.type == .push, frame.count == 3 else { return }
        noteConfirmation(name: frame.first, total: frame.integer)
    }

    private mutating func noteConfirmation(name: ByteHead, total: Int64) {
        guard let kind = SubscriptionKind.confirmation(name) else { return }
        let total = max(Int(clamping: total), 0)
        switch kind {
        case .channel: subscriptions.channels = max(total - subscriptions.patterns, 0)
        case .pattern: subscriptions.patterns = max(total - subscriptions.channels, 0)
        case .shard: subscriptions.shards = total
        }
    }

    private func count(of kind: SubscriptionKind) -> Int {
        switch kind {
        case .channel: subscriptions.channels
        case .pattern: subscriptions.patterns
        case .shard: subscriptions.shards
        }
    }

    /// What a command that succeeded changes on the connection.
    private mutating func applyEffects(of role: CommandRole) {
        switch role {
        case .monitor:
            monitoring = true
        case .quit:
            quitAnswered = true
        case .reset:
            replyMode = .on
            inTransaction = false
            subscriptions = (0, 0, 0)
            monitoring = false
            resetsAnswered += 1
        default:
            break
        }
    }

    @inline(__always)
    private mutating func flushSuppressed(at now: UInt64, sink: any CommandEventSink) {
        if suppressed > 0 { recordSuppressed(at: now, sink: sink) }
    }

    private mutating func recordSuppressed(at now: UInt64, sink: any CommandEventSink) {
        while !pending.isEmpty && pending.first.expectedReplies == 0 {
            var head = pending.removeFirst()
            suppressed -= 1
            head.end(.suppressed, at: now)
            endsTransactionUnseen(head.role, at: now, sink: sink)
            sink.record(&head.event)
        }
    }
}
