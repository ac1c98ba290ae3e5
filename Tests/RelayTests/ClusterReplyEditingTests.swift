import Cluster
import RESP
import RedisCommands
import TestSupport
import Testing

@testable import Relay

/// A session that rewrites cluster replies, fed upstream bytes cut at every position; no
/// socket. The rewrite here swaps `real:7000` for `lens:17000` (lengths change).
@Suite struct ClusterReplyEditingTests {
    static let slots = "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$8\r\n10.0.0.1\r\n:7000\r\n$2\r\nid\r\n"
    static let slotsRewritten = "*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$4\r\nlens\r\n:17000\r\n$2\r\nid\r\n"
    static let nodesLine = "id 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383\n"
    static let nodes = "$\(nodesLine.utf8.count)\r\n\(nodesLine)\r\n"
    static let nodesRewritten = { () -> String in
        let line = "id lens:17000@17000 myself,master - 0 0 1 connected 0-16383\n"
        return "$\(line.utf8.count)\r\n\(line)\r\n"
    }()

    static let map: ClusterAddressMap = {
        let map = ClusterAddressMap()
        map.update([NodeAddress(host: "10.0.0.1", port: 7000): NodeAddress(host: "lens", port: 17000)])
        return map
    }()

    /// Feeds `requests`, then `replies` cut into chunks at `cuts`; returns what the client is sent.
    static func relay(
        requests: [[String]], replies: String, cuts: [Int], holdLimit: Int = ClusterReplyEditor.defaultHoldLimit,
        overflows: inout Int
    ) -> String {
        let sink = RecordingSink()
        var machine = SessionStateMachine(
            connectionID: 1, requestLimits: .requestDefaults, editor: ClusterReplyEditor(map: map, holdLimit: holdLimit)
        )
        _ = machine.wantsUpstream()
        machine.attached()
        let request = requests.flatMap { Frames.command($0) }
        _ = request.withUnsafeBytes { machine.scanRequests($0, at: 1, table: .builtin, sink: sink) }
        let bytes = Array(replies.utf8)
        var sent: [UInt8] = []
        var from = 0
        for cut in cuts + [bytes.count] where cut >= from {
            let chunk = Array(bytes[from..<cut])
            from = cut
            chunk.withUnsafeBytes { buffer in
                let scan = machine.scanReplies(buffer, at: 2, sink: sink)
                if scan.holdOverflowed { overflows += 1 }
                for piece in machine.replyPieces {
                    switch piece {
                    case .relay(let range): sent += buffer[range]
                    case .insert(let frame): sent += frame
                    }
                }
            }
        }
        return String(decoding: sent, as: UTF8.self)
    }

    static func relay(requests: [[String]], replies: String, cuts: [Int]) -> String {
        var overflows = 0
        return relay(requests: requests, replies: replies, cuts: cuts, overflows: &overflows)
    }

    /// Every way of cutting `replies` in two, and in three around each frame boundary.
    static func everyCut(_ replies: String) -> [[Int]] {
        let count = replies.utf8.count
        var cuts = (0...count).map { [$0] }
        for first in 0...count { cuts.append([first, min(first + 1, count)]) }
        return cuts + [Array(0...count)]  // one byte at a time
    }

    @Test func topologyRepliesAndRedirectionsAreRewrittenWhereverTheChunksEnd() {
        let requests = [
            ["SET", "k", "v"], ["cluster", "slots"], ["GET", "x"], ["CLUSTER", "NODES"], ["GET", "y"],
            ["CLUSTER", "REPLICAS", "id"], ["PING"],
        ]
        let replies =
            "+OK\r\n" + Self.slots + "-MOVED 16287 10.0.0.1:7000\r\n" + Self.nodes + "-ERR other\r\n"
            + "*1\r\n$\(Self.nodesLine.utf8.count - 1)\r\n\(Self.nodesLine.dropLast())\r\n" + "+PONG\r\n"
        let line = "id lens:17000@17000 myself,master - 0 0 1 connected 0-16383"
        let expected =
            "+OK\r\n" + Self.slotsRewritten + "-MOVED 16287 lens:17000\r\n" + Self.nodesRewritten + "-ERR other\r\n"
            + "*1\r\n$\(line.utf8.count)\r\n\(line)\r\n" + "+PONG\r\n"
        for cuts in Self.everyCut(replies) {
            #expect(Self.relay(requests: requests, replies: replies, cuts: cuts) == expected, "cut at \(cuts)")
        }
    }

    @Test func otherRepliesArePassedOnByteForByte() {
        // A value that looks like a topology reply, but answers GET; a push; an unknown node.
        let requests = [["GET", "k"], ["CLUSTER", "SLOTS"], ["GET", "z"], ["CLUSTER", "INFO"]]
        let replies =
            Self.slots + ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
            + "*1\r\n*3\r\n:0\r\n:1\r\n*3\r\n$8\r\n10.0.0.2\r\n:7000\r\n$2\r\nid\r\n"
            + "-ASK 1 10.0.0.9:7000\r\n" + "$23\r\ncluster_state:ok\r\nx:1\r\n\r\n"
        for cuts in Self.everyCut(replies) {
            #expect(Self.relay(requests: requests, replies: replies, cuts: cuts) == replies, "cut at \(cuts)")
        }
    }

    @Test func redirectionsInsideExecAreRewritten() {
        let requests = [["MULTI"], ["GET", "a"], ["GET", "b"], ["EXEC"]]
        let replies = "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-MOVED 1 10.0.0.1:7000\r\n$1\r\nv\r\n"
        let expected = "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-MOVED 1 lens:17000\r\n$1\r\nv\r\n"
        for cuts in Self.everyCut(replies) {
            #expect(Self.relay(requests: requests, replies: replies, cuts: cuts) == expected, "cut at \(cuts)")
        }
    }

    @Test func aFrameBeyondTheHoldLimitIsPassedOnUnchangedAndOnlyItsBytesAreHeld() {
        let requests = [["CLUSTER", "NODES"], ["CLUSTER", "NODES"]]
        let replies = Self.nodes + Self.nodes
        for cut in stride(from: 10, to: Self.nodes.utf8.count, by: 7) {
            var overflows = 0
            let sent = Self.relay(
                requests: requests, replies: replies, cuts: [4, cut, Self.nodes.utf8.count + 8], holdLimit: 8,
                overflows: &overflows)
            // The first outgrows 8 bytes before it is complete: it is passed on as it came. The
            // second's first 8 bytes are held, and it is complete in the next chunk.
            #expect(sent == Self.nodes + Self.nodesRewritten, "cut at \(cut)")
            #expect(overflows == 1)
        }
        var overflows = 0
        let sent = Self.relay(
            requests: requests, replies: replies, cuts: [Self.nodes.utf8.count], holdLimit: 8, overflows: &overflows)
        #expect(sent == Self.nodesRewritten + Self.nodesRewritten)  // each arrived whole: nothing held
        #expect(overflows == 0)
    }

    @Test func aLargeValueStreamsWithNothingHeld() {
        let sink = RecordingSink()
        var machine = SessionStateMachine(
            connectionID: 1, requestLimits: .requestDefaults, editor: ClusterReplyEditor(map: Self.map))
        _ = machine.wantsUpstream()
        machine.attached()
        let request = Frames.command(["GET", "big"])
        _ = request.withUnsafeBytes { machine.scanRequests($0, at: 1, table: .builtin, sink: sink) }
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        let header = Array("$\(chunk.count * 100)\r\n".utf8)
        let first = header.withUnsafeBytes { machine.scanReplies($0, at: 2, sink: sink) }
        #expect(first.holdOverflowed == false)
        #expect(machine.replyPieces == [.relay(0..<header.count)])
        for _ in 0..<100 {
            _ = chunk.withUnsafeBytes { machine.scanReplies($0, at: 2, sink: sink) }
            #expect(machine.replyPieces == [.relay(0..<chunk.count)])
        }
    }

    @Test func unparsableRepliesPassOnWhatWasHeld() {
        let requests = [["CLUSTER", "SLOTS"]]
        let replies = "*1\r\n*3\r\n:0\r\n:x\r\n"  // an integer that is none: the scanner gives up
        for cuts in Self.everyCut(replies) {
            #expect(Self.relay(requests: requests, replies: replies, cuts: cuts) == replies, "cut at \(cuts)")
        }
    }
}
