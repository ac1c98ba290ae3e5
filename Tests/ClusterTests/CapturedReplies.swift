import Cluster
import Testing

/// Replies captured from a real 6-node Redis 7.0.15 cluster on 127.0.0.1:30001-30006
/// (`redis-cli --cluster create ... --cluster-replicas 1`), each with the reply expected once
/// every node `127.0.0.1:3000N` maps to `proxy.example:1700N`. The expected bytes were made
/// by a separate script (decode, substitute, re-encode), not by the code under test.
enum CapturedReplies {
    /// The cluster without hostnames: request (as a comment), reply, rewritten reply.
    static let plain: [(reply: TopologyReply?, real: String, rewritten: String)] = [
        // RESP2 CLUSTER SLOTS
        (
            .slots,
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:30001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n*0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*0\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$9\r\n127.0.0.1\r\n:30002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n*0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n*0\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:30003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n*0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n*0\r\n",
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$13\r\nproxy.example\r\n:17001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n*0\r\n*4\r\n$13\r\nproxy.example\r\n:17006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*0\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$13\r\nproxy.example\r\n:17002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n*0\r\n*4\r\n$13\r\nproxy.example\r\n:17004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n*0\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$13\r\nproxy.example\r\n:17003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n*0\r\n*4\r\n$13\r\nproxy.example\r\n:17005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n*0\r\n"
        ),
        // RESP2 CLUSTER SHARDS
        (
            .shards,
            "*3\r\n*4\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:30002\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:30004\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:30001\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:30006\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:30003\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:30005\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n",
            "*3\r\n*4\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:17002\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:17004\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:17001\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:17006\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n*14\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:17003\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*14\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:17005\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"
        ),
        // RESP2 CLUSTER NODES
        (
            .nodes,
            "$751\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 127.0.0.1:30002@40002 master - 0 1796514667171 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 127.0.0.1:30004@40004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514667171 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 127.0.0.1:30001@40001 myself,master - 0 1796514667000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514667171 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 127.0.0.1:30003@40003 master - 0 1796514667171 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 127.0.0.1:30005@40005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514667171 3 connected\n\r\n",
            "$775\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 proxy.example:17002@40002 master - 0 1796514667171 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 proxy.example:17004@40004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514667171 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 proxy.example:17001@40001 myself,master - 0 1796514667000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514667171 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 proxy.example:17003@40003 master - 0 1796514667171 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 proxy.example:17005@40005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514667171 3 connected\n\r\n"
        ),
        // RESP2 CLUSTER REPLICAS d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$137\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514667171 1 connected\r\n",
            "*1\r\n$141\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514667171 1 connected\r\n"
        ),
        // RESP2 CLUSTER SLAVES d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$137\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514668195 1 connected\r\n",
            "*1\r\n$141\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514668195 1 connected\r\n"
        ),
        // RESP2 GET foo
        (
            nil, "-MOVED 12182 127.0.0.1:30003\r\n",
            "-MOVED 12182 proxy.example:17003\r\n"
        ),
        // RESP2 GET a
        (
            nil, "-MOVED 15495 127.0.0.1:30003\r\n",
            "-MOVED 15495 proxy.example:17003\r\n"
        ),
        // RESP3 CLUSTER SLOTS
        (
            .slots,
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:30001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n%0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n%0\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$9\r\n127.0.0.1\r\n:30002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n%0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n%0\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:30003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n%0\r\n*4\r\n$9\r\n127.0.0.1\r\n:30005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n%0\r\n",
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$13\r\nproxy.example\r\n:17001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n%0\r\n*4\r\n$13\r\nproxy.example\r\n:17006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n%0\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$13\r\nproxy.example\r\n:17002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n%0\r\n*4\r\n$13\r\nproxy.example\r\n:17004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n%0\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$13\r\nproxy.example\r\n:17003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n%0\r\n*4\r\n$13\r\nproxy.example\r\n:17005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n%0\r\n"
        ),
        // RESP3 CLUSTER SHARDS
        (
            .shards,
            "*3\r\n%2\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:30002\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:30004\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:30001\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:30006\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:30003\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:30005\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n",
            "*3\r\n%2\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:17002\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:17004\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:17001\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:17006\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n%7\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:17003\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%7\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:17005\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:42\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"
        ),
        // RESP3 CLUSTER NODES
        (
            .nodes,
            "=755\r\ntxt:6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 127.0.0.1:30002@40002 master - 0 1796514669208 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 127.0.0.1:30004@40004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514669208 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 127.0.0.1:30001@40001 myself,master - 0 1796514669000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 127.0.0.1:30003@40003 master - 0 1796514669208 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 127.0.0.1:30005@40005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514669208 3 connected\n\r\n",
            "=779\r\ntxt:6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 proxy.example:17002@40002 master - 0 1796514669208 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 proxy.example:17004@40004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514669208 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 proxy.example:17001@40001 myself,master - 0 1796514669000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 proxy.example:17003@40003 master - 0 1796514669208 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 proxy.example:17005@40005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514669208 3 connected\n\r\n"
        ),
        // RESP3 CLUSTER REPLICAS d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$137\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\r\n",
            "*1\r\n$141\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\r\n"
        ),
        // RESP3 CLUSTER SLAVES d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$137\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\r\n",
            "*1\r\n$141\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514669208 1 connected\r\n"
        ),
        // RESP3 GET foo
        (
            nil, "-MOVED 12182 127.0.0.1:30003\r\n",
            "-MOVED 12182 proxy.example:17003\r\n"
        ),
        // RESP3 GET a
        (
            nil, "-MOVED 15495 127.0.0.1:30003\r\n",
            "-MOVED 15495 proxy.example:17003\r\n"
        ),
    ]

    /// The same with `cluster-announce-hostname host-3000N` on every node (`hostname`
    /// metadata in SLOTS and SHARDS, `,hostname` in NODES), which the proxy's host replaces.
    static let withHostnames: [(reply: TopologyReply?, real: String, rewritten: String)] = [
        // RESP2 CLUSTER SLOTS
        (
            .slots,
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:30001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30001\r\n*4\r\n$9\r\n127.0.0.1\r\n:30006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30006\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$9\r\n127.0.0.1\r\n:30002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30002\r\n*4\r\n$9\r\n127.0.0.1\r\n:30004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30004\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:30003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30003\r\n*4\r\n$9\r\n127.0.0.1\r\n:30005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n*2\r\n$8\r\nhostname\r\n$10\r\nhost-30005\r\n",
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$13\r\nproxy.example\r\n:17001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$13\r\nproxy.example\r\n:17002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$13\r\nproxy.example\r\n:17003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n*2\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n"
        ),
        // RESP2 CLUSTER SHARDS
        (
            .shards,
            "*3\r\n*4\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:30002\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30002\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:30004\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30004\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:30001\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30001\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:30006\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30006\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:30003\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30003\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:30005\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30005\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n",
            "*3\r\n*4\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:17002\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:17004\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:17001\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:17006\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*4\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n*16\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:17003\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n*16\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:17005\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"
        ),
        // RESP2 CLUSTER NODES
        (
            .nodes,
            "$817\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 127.0.0.1:30002@40002,host-30002 master - 0 1796514662125 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 127.0.0.1:30004@40004,host-30004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514662125 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 127.0.0.1:30001@40001,host-30001 myself,master - 0 1796514661000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 127.0.0.1:30003@40003,host-30003 master - 0 1796514662125 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 127.0.0.1:30005@40005,host-30005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514662125 3 connected\n\r\n",
            "$859\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 proxy.example:17002@40002,proxy.example master - 0 1796514662125 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 proxy.example:17004@40004,proxy.example slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514662125 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 proxy.example:17001@40001,proxy.example myself,master - 0 1796514661000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 proxy.example:17003@40003,proxy.example master - 0 1796514662125 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 proxy.example:17005@40005,proxy.example slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514662125 3 connected\n\r\n"
        ),
        // RESP2 CLUSTER REPLICAS d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$148\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\r\n",
            "*1\r\n$155\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\r\n"
        ),
        // RESP2 CLUSTER SLAVES d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$148\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\r\n",
            "*1\r\n$155\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514662125 1 connected\r\n"
        ),
        // RESP2 GET foo
        (
            nil, "-MOVED 12182 127.0.0.1:30003\r\n",
            "-MOVED 12182 proxy.example:17003\r\n"
        ),
        // RESP2 GET a
        (
            nil, "-MOVED 15495 127.0.0.1:30003\r\n",
            "-MOVED 15495 proxy.example:17003\r\n"
        ),
        // RESP3 CLUSTER SLOTS
        (
            .slots,
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:30001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30001\r\n*4\r\n$9\r\n127.0.0.1\r\n:30006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30006\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$9\r\n127.0.0.1\r\n:30002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30002\r\n*4\r\n$9\r\n127.0.0.1\r\n:30004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30004\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:30003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30003\r\n*4\r\n$9\r\n127.0.0.1\r\n:30005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n%1\r\n$8\r\nhostname\r\n$10\r\nhost-30005\r\n",
            "*3\r\n*4\r\n:0\r\n:5460\r\n*4\r\n$13\r\nproxy.example\r\n:17001\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17006\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n:5461\r\n:10922\r\n*4\r\n$13\r\nproxy.example\r\n:17002\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17004\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n:10923\r\n:16383\r\n*4\r\n$13\r\nproxy.example\r\n:17003\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n*4\r\n$13\r\nproxy.example\r\n:17005\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n%1\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n"
        ),
        // RESP3 CLUSTER SHARDS
        (
            .shards,
            "*3\r\n%2\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:30002\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30002\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:30004\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30004\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:30001\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30001\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:30006\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30006\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:30003\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30003\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:30005\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$8\r\nhostname\r\n$10\r\nhost-30005\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n",
            "*3\r\n%2\r\n$5\r\nslots\r\n*2\r\n:5461\r\n:10922\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\n6f429512126ab4dbd6aa3633fff43bf9d9fef7c2\r\n$4\r\nport\r\n:17002\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n443bbcbc277ce04157c296626b969c06b0e99f71\r\n$4\r\nport\r\n:17004\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9\r\n$4\r\nport\r\n:17001\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n04997b61107c77bf94eea4a7862e152926bd5761\r\n$4\r\nport\r\n:17006\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%2\r\n$5\r\nslots\r\n*2\r\n:10923\r\n:16383\r\n$5\r\nnodes\r\n*2\r\n%8\r\n$2\r\nid\r\n$40\r\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923\r\n$4\r\nport\r\n:17003\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n%8\r\n$2\r\nid\r\n$40\r\n3408c35b2521a57690e144e25b594371606d50d5\r\n$4\r\nport\r\n:17005\r\n$2\r\nip\r\n$13\r\nproxy.example\r\n$8\r\nendpoint\r\n$13\r\nproxy.example\r\n$8\r\nhostname\r\n$13\r\nproxy.example\r\n$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:28\r\n$6\r\nhealth\r\n$6\r\nonline\r\n"
        ),
        // RESP3 CLUSTER NODES
        (
            .nodes,
            "=821\r\ntxt:6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 127.0.0.1:30002@40002,host-30002 master - 0 1796514663134 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 127.0.0.1:30004@40004,host-30004 slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514663134 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 127.0.0.1:30001@40001,host-30001 myself,master - 0 1796514662000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514663134 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 127.0.0.1:30003@40003,host-30003 master - 0 1796514663134 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 127.0.0.1:30005@40005,host-30005 slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514663134 3 connected\n\r\n",
            "=863\r\ntxt:6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 proxy.example:17002@40002,proxy.example master - 0 1796514663134 2 connected 5461-10922\n443bbcbc277ce04157c296626b969c06b0e99f71 proxy.example:17004@40004,proxy.example slave 6f429512126ab4dbd6aa3633fff43bf9d9fef7c2 0 1796514663134 2 connected\nd7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 proxy.example:17001@40001,proxy.example myself,master - 0 1796514662000 1 connected 0-5460\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514663134 1 connected\n1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 proxy.example:17003@40003,proxy.example master - 0 1796514663134 3 connected 10923-16383\n3408c35b2521a57690e144e25b594371606d50d5 proxy.example:17005@40005,proxy.example slave 1ef6d9a1b06c21b2945f9c0a4acea0497f14d923 0 1796514663134 3 connected\n\r\n"
        ),
        // RESP3 CLUSTER REPLICAS d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$148\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514663134 1 connected\r\n",
            "*1\r\n$155\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514663134 1 connected\r\n"
        ),
        // RESP3 CLUSTER SLAVES d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9
        (
            .replicas,
            "*1\r\n$148\r\n04997b61107c77bf94eea4a7862e152926bd5761 127.0.0.1:30006@40006,host-30006 slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514664143 1 connected\r\n",
            "*1\r\n$155\r\n04997b61107c77bf94eea4a7862e152926bd5761 proxy.example:17006@40006,proxy.example slave d7000ffe2d4ce16f3cd3e128cb1ba6649b39aea9 0 1796514664143 1 connected\r\n"
        ),
        // RESP3 GET foo
        (
            nil, "-MOVED 12182 127.0.0.1:30003\r\n",
            "-MOVED 12182 proxy.example:17003\r\n"
        ),
        // RESP3 GET a
        (
            nil, "-MOVED 15495 127.0.0.1:30003\r\n",
            "-MOVED 15495 proxy.example:17003\r\n"
        ),
    ]
}
