import NIOConcurrencyHelpers

/// Decides, for all event loops together, which `client` label values get their own
/// series: the first `limit` seen; later ones share ``other``. First come rather than the
/// busiest: a counter never moves between label values
/// (`docs/decisions/0009-client-label.md`). Consulted when a connection is named, never
/// per command.
final class ClientLabelAdmission: Sendable {
    /// The id of connections without a label (no `client` label).
    static let unlabelled = 0
    /// The id of values past the limit.
    static let other = 1

    private let limit: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var ids: [String: Int] = [:]
        var labels: [String] = ["", "other"]
    }

    init(limit: Int) { self.limit = limit }

    /// The id of label `value` (``unlabelled`` for the empty value), admitting it while
    /// fewer than the limit are.
    func admit(_ value: String) -> Int {
        guard !value.isEmpty else { return Self.unlabelled }
        return state.withLockedValue { state in
            if let id = state.ids[value] { return id }
            // A value spelled "other" shares the overflow series rather than repeat its label.
            guard state.labels.count - 2 < limit, value != "other" else { return Self.other }
            let id = state.labels.count
            state.ids[value] = id
            state.labels.append(value)
            return id
        }
    }

    /// Label values by id: index 0 is the empty (unlabelled) one, 1 is `other`.
    var labels: [String] { state.withLockedValue { $0.labels } }
}
