import Testing

/// Every integration test runs one at a time: each starts its own redis-server and
/// proxy, and the backpressure test measures this process's memory.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct Integration {}
