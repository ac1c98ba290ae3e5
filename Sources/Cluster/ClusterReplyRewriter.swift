/// Rewrites the node addresses in a cluster's replies to the proxy's addresses for those
/// nodes, so cluster clients connect through the proxy. Pure: bytes in, bytes out.
///
/// What is rewritten (`docs/decisions/0007-cluster-topology-rewrite.md`):
/// - `-MOVED <slot> <host>:<port>` and `-ASK ...`: the address. An empty host (Redis's
///   `unknown-endpoint`: "the host you are connected to") stays empty and only the port
///   changes: the client is connected to the proxy, so it means the proxy's host.
/// - `CLUSTER SLOTS`: every node's host (a null host stays null) and port, and its
///   `hostname` and `ip` metadata.
/// - `CLUSTER SHARDS`: every node's `ip`, `hostname`, `endpoint` (unless `?`, empty or
///   null), `port` and `tls-port`.
/// - `CLUSTER NODES`, `REPLICAS`, `SLAVES`: each line's `ip:port@cport[,hostname]` becomes
///   `host:port@cport[,host]` (the bus port is kept: clients do not use it).
///
/// A node the lookup does not know keeps its address; a reply that does not parse as
/// expected is left as it is. Every address a client could connect to names the proxy.
public enum ClusterReplyRewriter {
    /// The proxy's address for a node, given the addresses the reply names it by (most
    /// telling first); an empty host means "any host with this port". Nil: unknown node.
    public typealias Lookup = (_ candidates: [NodeAddress]) -> NodeAddress?

    /// The rewritten reply, or nil when nothing in it changes. `frame` is one complete
    /// reply; `reply` is what its request asked for (nil: not a topology command, only a
    /// `-MOVED` / `-ASK` is rewritten).
    public static func rewrite(_ frame: [UInt8], as reply: TopologyReply?, lookup: Lookup) -> [UInt8]? {
        guard let type = frame.first else { return nil }
        if type == UInt8(ascii: "-") { return rewriteRedirection(frame, lookup: lookup) }
        guard let reply, let decoded = RawReply(decoding: frame) else { return nil }
        return withoutActuallyEscaping(lookup) { lookup in
            var editor = Editor(lookup: lookup)
            let edited: RawReply
            switch reply {
            case .slots: edited = editor.slots(decoded)
            case .shards: edited = editor.shards(decoded)
            case .nodes: edited = editor.nodesText(decoded)
            case .replicas: edited = editor.replicas(decoded)
            }
            return editor.changed ? edited.encoded : nil
        }
    }

    /// `-MOVED 3999 127.0.0.1:6381\r\n` → the proxy's address; nil when it is none or unknown.
    static func rewriteRedirection(_ frame: [UInt8], lookup: Lookup) -> [UInt8]? {
        guard frame.count > 3, frame[frame.count - 2] == 13, frame[frame.count - 1] == 10 else { return nil }
        let text = frame[1..<(frame.count - 2)]
        let parts = text.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual("MOVED".utf8) || parts[0].elementsEqual("ASK".utf8),
            let real = NodeAddress(parsing: Array(parts[2])), real.host != "?",
            let proxy = lookup([real])
        else { return nil }
        let host = real.host.isEmpty ? "" : proxy.host
        var out: [UInt8] = [UInt8(ascii: "-")]
        out.append(contentsOf: parts[0])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: parts[1])
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: "\(host):\(proxy.port)".utf8)
        out.append(contentsOf: [13, 10])
        return out == frame ? nil : out
    }

    /// Rewrites one reply's values, noting whether anything changed.
    private struct Editor {
        let lookup: Lookup
        var changed = false

        mutating func slots(_ reply: RawReply) -> RawReply {
            guard case .aggregate(let type, let ranges) = reply else { return reply }
            return .aggregate(
                type: type,
                elements: ranges.map { range in
                    guard case .aggregate(let rangeType, var elements) = range, elements.count >= 2 else {
                        return range
                    }
                    for index in elements.indices.dropFirst(2) { elements[index] = slotsNode(elements[index]) }
                    return .aggregate(type: rangeType, elements: elements)
                })
        }

        /// `[host, port, id, metadata]`: metadata is a flat array (RESP2) or a map (RESP3).
        private mutating func slotsNode(_ node: RawReply) -> RawReply {
            guard case .aggregate(let type, var elements) = node, elements.count >= 2,
                let port = elements[1].integer
            else { return node }
            var candidates: [NodeAddress] = []
            if let host = elements[0].string {
                candidates.append(NodeAddress(host: String(decoding: host, as: UTF8.self), port: port))
            } else if elements[0].isNull {
                candidates.append(NodeAddress(host: "", port: port))
            } else {
                return node
            }
            if elements.count >= 4, case .aggregate(_, let metadata) = elements[3],
                let ip = Self.value(of: "ip", in: metadata)?.string
            {
                candidates.append(NodeAddress(host: String(decoding: ip, as: UTF8.self), port: port))
            }
            guard let proxy = resolve(candidates) else { return node }
            if elements[0].string != nil {
                elements[0] = .blob(type: UInt8(ascii: "$"), payload: Array(proxy.host.utf8))
            }
            elements[1] = .line(type: UInt8(ascii: ":"), text: Array(String(proxy.port).utf8))
            if elements.count >= 4, case .aggregate(let metadataType, var metadata) = elements[3] {
                Self.replace(["ip", "hostname"], in: &metadata, with: proxy)
                elements[3] = .aggregate(type: metadataType, elements: metadata)
            }
            return .aggregate(type: type, elements: elements)
        }

        mutating func shards(_ reply: RawReply) -> RawReply {
            guard case .aggregate(let type, let shards) = reply else { return reply }
            return .aggregate(
                type: type,
                elements: shards.map { shard in
                    guard case .aggregate(let shardType, var fields) = shard, fields.count % 2 == 0 else {
                        return shard
                    }
                    for key in stride(from: 0, to: fields.count, by: 2) where fields[key].string == Array("nodes".utf8)
                    {
                        guard case .aggregate(let nodesType, let nodes) = fields[key + 1] else { continue }
                        fields[key + 1] = .aggregate(type: nodesType, elements: nodes.map { shardsNode($0) })
                    }
                    return .aggregate(type: shardType, elements: fields)
                })
        }

        /// A map (RESP3) or flat array (RESP2) of `id`, `port`, `tls-port`, `ip`, `endpoint`, ...
        private mutating func shardsNode(_ node: RawReply) -> RawReply {
            guard case .aggregate(let type, var fields) = node, fields.count % 2 == 0 else { return node }
            let port = Self.value(of: "port", in: fields)?.integer ?? 0
            guard let port = port > 0 ? port : Self.value(of: "tls-port", in: fields)?.integer else { return node }
            var candidates: [NodeAddress] = []
            for key in ["endpoint", "ip", "hostname"] {
                if let host = Self.value(of: key, in: fields)?.string, !host.isEmpty, host != [UInt8(ascii: "?")] {
                    candidates.append(NodeAddress(host: String(decoding: host, as: UTF8.self), port: port))
                }
            }
            guard !candidates.isEmpty, let proxy = resolve(candidates) else { return node }
            Self.replace(["ip", "hostname", "endpoint"], in: &fields, with: proxy)
            for key in stride(from: 0, to: fields.count, by: 2) {
                guard let name = fields[key].string, name == Array("port".utf8) || name == Array("tls-port".utf8),
                    let value = fields[key + 1].integer, value > 0
                else { continue }
                fields[key + 1] = .line(type: UInt8(ascii: ":"), text: Array(String(proxy.port).utf8))
            }
            return .aggregate(type: type, elements: fields)
        }

        /// `CLUSTER NODES`: a bulk string, or a verbatim string (`txt:`) in RESP3.
        mutating func nodesText(_ reply: RawReply) -> RawReply {
            guard case .blob(let type, let payload) = reply, type == UInt8(ascii: "$") || type == UInt8(ascii: "=")
            else { return reply }
            let prefix = type == UInt8(ascii: "=") ? 4 : 0
            guard payload.count >= prefix else { return reply }
            let lines = nodeLines(Array(payload[prefix...]))
            return .blob(type: type, payload: Array(payload[..<prefix]) + lines)
        }

        mutating func replicas(_ reply: RawReply) -> RawReply {
            guard case .aggregate(let type, let lines) = reply else { return reply }
            return .aggregate(type: type, elements: lines.map { nodesText($0) })
        }

        /// Rewrites each line's address field; lines keep their order and separators.
        private mutating func nodeLines(_ text: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(text.count)
            let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "\n")) }
                out.append(contentsOf: nodeLine(line))
            }
            return out
        }

        private mutating func nodeLine(_ line: ArraySlice<UInt8>) -> [UInt8] {
            var fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
            guard fields.count > 2, let address = nodeAddressField(fields[1]) else { return Array(line) }
            fields[1] = ArraySlice(address)
            return Array(fields.joined(separator: [UInt8(ascii: " ")]))
        }

        /// `ip:port@cport[,hostname[,aux=value...]]` with the proxy's address; nil: unchanged.
        /// An empty ip (a node that has not learnt its own yet) stays empty, like `-MOVED`'s.
        private mutating func nodeAddressField(_ field: ArraySlice<UInt8>) -> [UInt8]? {
            guard let at = field.firstIndex(of: UInt8(ascii: "@")),
                let real = NodeAddress(parsing: Array(field[..<at])), real.port > 0,
                let proxy = resolve([real])
            else { return nil }
            var out = Array("\(real.host.isEmpty ? "" : proxy.host):\(proxy.port)".utf8)
            var extras = field[at...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            // The first extra after the bus port is the hostname, unless it is an `aux=value` field.
            if extras.count > 1, !extras[1].isEmpty, !extras[1].contains(UInt8(ascii: "=")) {
                extras[1] = ArraySlice(proxy.host.utf8)
            }
            out.append(contentsOf: extras.joined(separator: [UInt8(ascii: ",")]))
            return out
        }

        private mutating func resolve(_ candidates: [NodeAddress]) -> NodeAddress? {
            guard let proxy = lookup(candidates) else { return nil }
            changed = true
            return proxy
        }

        /// The value after `key` in alternating keys and values.
        private static func value(of key: String, in pairs: [RawReply]) -> RawReply? {
            let name = Array(key.utf8)
            for index in stride(from: 0, to: pairs.count - 1, by: 2) where pairs[index].string == name {
                return pairs[index + 1]
            }
            return nil
        }

        /// Sets the string values of `keys` (where present) to the proxy's host.
        private static func replace(_ keys: [String], in pairs: inout [RawReply], with proxy: NodeAddress) {
            for index in stride(from: 0, to: pairs.count - 1, by: 2) {
                guard let name = pairs[index].string, keys.contains(where: { Array($0.utf8) == name }),
                    let old = pairs[index + 1].string
                else { continue }
                if name == Array("endpoint".utf8) && (old.isEmpty || old == [UInt8(ascii: "?")]) { continue }
                pairs[index + 1] = .blob(type: UInt8(ascii: "$"), payload: Array(proxy.host.utf8))
            }
        }
    }
}

extension NodeAddress {
    /// Parses `host:port` (the last colon separates them: Redis writes IPv6 hosts bare).
    init?(parsing text: [UInt8]) {
        guard let colon = text.lastIndex(of: UInt8(ascii: ":")),
            let port = Int(String(decoding: text[(colon + 1)...], as: UTF8.self)), port >= 0, port <= 65535
        else { return nil }
        self.init(host: String(decoding: text[..<colon], as: UTF8.self), port: port)
    }
}
