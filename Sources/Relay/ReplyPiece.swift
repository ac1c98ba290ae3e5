/// A piece of what the client is sent for one chunk of upstream bytes, when replies are
/// rewritten (``SessionStateMachine/replyPieces``), in order.
package enum ReplyPiece: Equatable, Sendable {
    /// These bytes of the chunk, as they came.
    case relay(Range<Int>)
    /// Bytes in place of a frame: a rewritten frame, or held-back bytes passed on.
    case insert([UInt8])
}
