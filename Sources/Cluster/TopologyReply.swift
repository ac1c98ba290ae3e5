import RESP

/// A reply that names cluster nodes by address, which the proxy rewrites to its own.
public enum TopologyReply: Sendable, Hashable {
    /// `CLUSTER SLOTS`: slot ranges, each with its nodes as `[host, port, id, metadata]`.
    case slots
    /// `CLUSTER SHARDS`: shards, each with its nodes' `ip`, `endpoint`, `hostname`, `port`.
    case shards
    /// `CLUSTER NODES`: one line per node, its second field `ip:port@cport[,hostname]`.
    case nodes
    /// `CLUSTER REPLICAS` / `CLUSTER SLAVES`: one `CLUSTER NODES` line per replica.
    case replicas

    /// The reply a request gets, from its command name and first argument (ASCII case
    /// ignored); nil for any other command.
    public init?(command: ByteHead, subcommand: ByteHead) {
        guard command.equalsCaseInsensitive("CLUSTER") else { return nil }
        switch subcommand.count {
        case 5 where subcommand.equalsCaseInsensitive("SLOTS"): self = .slots
        case 5 where subcommand.equalsCaseInsensitive("NODES"): self = .nodes
        case 6 where subcommand.equalsCaseInsensitive("SHARDS"): self = .shards
        case 6 where subcommand.equalsCaseInsensitive("SLAVES"): self = .replicas
        case 8 where subcommand.equalsCaseInsensitive("REPLICAS"): self = .replicas
        default: return nil
        }
    }
}
