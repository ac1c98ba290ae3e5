import NIOConcurrencyHelpers
import RESP
import Synchronization

/// Extracts a key's prefix: the bytes before its `depth`-th delimiter.
enum KeyPrefix {
    /// The prefix of a key, or `(none)` when it has fewer delimiters than the depth.
    /// Only the key's first ``ByteHead/capacity`` bytes are seen.
    static func extract(from key: ByteHead, _ configuration: KeyPrefixConfiguration) -> ByteHead {
        var prefix = ByteHead()
        var seen = 0
        var found = false
        key.withUnsafeBytes { bytes in
            for byte in bytes {
                if byte == configuration.delimiter {
                    seen += 1
                    if seen == configuration.depth {
                        found = true
                        return
                    }
                }
                prefix.append(byte)
            }
        }
        return found ? prefix : none
    }

    static let none = ByteHead(Array("(none)".utf8))
}

/// Decides, for all event loops together, which prefixes get their own series: the
/// first `maxPrefixes` seen; later ones share id 0, `other`. Consulted once per new
/// prefix per loop (loops cache the answer), never per command.
final class PrefixAdmission: Sendable {
    private let limit: Int
    private let state = NIOLockedValueBox(State())
    private let full = Atomic<Bool>(false)

    private struct State {
        var ids: [ByteHead: Int] = [:]
        var labels: [String] = ["other"]
    }

    init(limit: Int) { self.limit = limit }

    func admit(_ prefix: ByteHead) -> Int {
        state.withLockedValue { state in
            if let id = state.ids[prefix] { return id }
            let label = prefix.printable
            // A real prefix spelled "other" shares the overflow series rather than repeat its label.
            guard state.labels.count <= limit, label != "other" else { return 0 }
            let id = state.labels.count
            state.ids[prefix] = id
            state.labels.append(label)
            if state.labels.count > limit { full.store(true, ordering: .relaxed) }
            return id
        }
    }

    /// Whether every slot is taken: an unseen prefix is `other` without asking (no lock).
    var isFull: Bool { full.load(ordering: .relaxed) }

    /// Labels by id (index 0 is `other`).
    var labels: [String] { state.withLockedValue { $0.labels } }
}
