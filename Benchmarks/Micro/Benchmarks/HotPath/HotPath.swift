import Benchmark
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RESP
import RedisCommands
import Telemetry

/// Every benchmark scans or records `Fixtures.count` (1,000) items per measured iteration
/// and is scaled by `.kilo`: the default output reads per command (or per reply), `--scale`
/// per 1,000. Instructions need perf events (`--metric instructions` where
/// `perf_event_paranoid` allows them); asking for them where they are closed makes the
/// framework itself allocate in the measured region.
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    Benchmark.defaultConfiguration = .init(
        metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 1_000)

    Benchmark("Request scan: SET key value (per command)") { benchmark in
        scan(Fixtures.setRequests, mode: .request, benchmark)
    }

    Benchmark("Request scan: GET key (per command)") { benchmark in
        scan(Fixtures.getRequests, mode: .request, benchmark)
    }

    Benchmark("Reply scan: OK, bulk, null, integer, MGET x10 (per reply)") { benchmark in
        scan(Fixtures.replies, mode: .reply, benchmark)
    }

    Benchmark("Command lookup: CommandTable.identify (per command)") { benchmark in
        let table = CommandTable.builtin
        let names = ["GET", "set", "HGET", "mget", "Incr", "LPUSH", "config", "EVALSHA"].map { ByteHead($0.utf8) }
        let subcommand = ByteHead("GET".utf8)
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(table.identify(name: names[index], subcommand: subcommand, argumentCount: 3))
            index = index == names.count - 1 ? 0 : index + 1
        }
        benchmark.stopMeasurement()
    }

    // What the proxy runs per command: a connection's cache in front of the table, here
    // with a repeating mix of four names that take a slot each (a cache's usual commands).
    Benchmark("Command lookup: CommandIDCache.identify, 4 names (per command)") { benchmark in
        let table = CommandTable.builtin
        let names = ["GET", "SET", "DEL", "EXPIRE"].map { ByteHead($0.utf8) }
        let key = ByteHead("user:1".utf8)
        var cache = CommandIDCache()
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(cache.identify(in: table, name: names[index], subcommand: key, argumentCount: 2))
            index = (index + 1) & 3
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Metric recording: MetricsShard.record GET hit (per command)") { benchmark in
        record(observers: [], benchmark)
    }

    // Spans on at sample ratio 0: what every command that is not kept pays (the observer
    // draws a trace id, samples it out, and must allocate nothing).
    Benchmark("Metric recording with spans on, none sampled (per command)") { benchmark in
        var spans = SpanConfiguration()
        spans.sampleRatio = 0
        record(observers: [SpanObserver.factory(configuration: spans, sink: DiscardingSpanSink())], benchmark)
    }

    // Spans on at sample ratio 1 with the export queue full: what each command pays while
    // the exporter's pace holds spans back (kept, then dropped unbuilt and counted).
    Benchmark("Metric recording with spans on at ratio 1, export queue full (per command)") { benchmark in
        var spans = SpanConfiguration()
        spans.sampleRatio = 1
        record(observers: [SpanObserver.factory(configuration: spans, sink: FullSpanSink())], benchmark)
    }

    // Hot keys on, over 1,000 keys (more than the 400 counters: replacements too), with the
    // upstream time set: what `--hotkeys` and the size and upstream histograms cost.
    Benchmark("Metric recording with hot keys on, 1,000 keys (per command)") { benchmark in
        var configuration = TelemetryConfiguration()
        configuration.keyWindows.hotKeys = true
        record(observers: [], configuration: configuration, keys: 1_000, benchmark)
    }

    // Everything of issue 28 at once: hot keys, sizes, upstream time, and a connection named
    // by `CLIENT SETNAME` (its commands count under its `client` label).
    Benchmark("Metric recording with hot keys on and a named client (per command)") { benchmark in
        var configuration = TelemetryConfiguration()
        configuration.keyWindows.hotKeys = true
        record(observers: [], configuration: configuration, keys: 1_000, clientName: "web", benchmark)
    }

    // The exporter's side of a kept span: 1,000 `GET user:N` spans (query text on, the
    // default `sanitized`) encoded as one OTLP request body, into the buffer the exporter
    // keeps from batch to batch: JSON (`--otlp-file`, `http/json`) and protobuf (the default).
    for encoding in OTLPEncoding.allCases {
        let name = encoding == .json ? "OTLP/JSON" : "OTLP/protobuf"
        Benchmark("Span encoding: \(name) of kept GET spans (per span)") { benchmark in
            let spans = keptSpans(Fixtures.count)
            let resource = OTLPResource(
                attributes: [SpanAttribute("service.name", .string("redis-lens"))], scopeName: "redis-lens",
                scopeVersion: "1.0.0")
            var request = OTLPRequestBuffer(encoding: encoding)
            request.encode(spans, resource: resource)
            benchmark.startMeasurement()
            for _ in 0..<max(benchmark.scaledIterations.count / Fixtures.count, 1) {
                request.encode(spans, resource: resource)
                blackHole(request.withUnsafeBytes { $0.count })
            }
            benchmark.stopMeasurement()
        }
    }
}

/// `count` spans as the observer keeps them at sample ratio 1: `GET user:N` from one
/// connection, each with its upstream time.
func keptSpans(_ count: Int) -> [SpanRecord] {
    let sink = CollectingSpanSink()
    var spans = SpanConfiguration()
    spans.sampleRatio = 1
    let hub = TelemetryHub(
        configuration: TelemetryConfiguration(), logger: Logger(label: "micro"),
        observers: [SpanObserver.factory(configuration: spans, sink: sink)])
    let shard = hub.makeShard()
    shard.connectionOpened(id: 1, address: "127.0.0.1:50000")
    var event = Events.get(table: hub.commandTable)
    for index in 0..<count {
        event.firstArgument = ByteHead(Array("user:\(index)".utf8))
        event.sentNanos = event.startNanos &+ 5_000
        shard.record(&event)
    }
    return sink.spans.withLockedValue { $0 }
}

/// Records a `GET` hit per measured command into one shard with `observers`, after one
/// warm-up record that grows the shard's arrays (steady state is what counts).
///
/// With `keys`, the key cycles through that many (`key:0`, ... with a skew: every other
/// command takes one of the first 16). With `clientName`, the connection has that name.
func record(
    observers: [@Sendable () -> any CommandObserver], configuration: TelemetryConfiguration = TelemetryConfiguration(),
    keys: Int = 0, clientName: String? = nil, _ benchmark: Benchmark
) {
    let hub = TelemetryHub(configuration: configuration, logger: Logger(label: "micro"), observers: observers)
    let shard = hub.makeShard()
    shard.connectionOpened(id: 1, address: "127.0.0.1:50000")
    if let clientName { shard.clientIdentified(id: 1, .name(ClientText(Array(clientName.utf8)))) }
    var event = Events.get(table: hub.commandTable)
    if keys > 0 { event.sentNanos = event.startNanos &+ 5_000 }  // the upstream histogram's slots, too
    shard.record(&event)
    let heads = (0..<keys).map { ByteHead(Array("key:\($0)".utf8)) }
    benchmark.startMeasurement()
    for iteration in benchmark.scaledIterations {
        event.endNanos = event.startNanos &+ 20_000 &+ UInt64(iteration & 1023) &* 97
        if keys > 0 {
            event.firstArgument = heads[iteration & 1 == 0 ? iteration % 16 : iteration % keys]
            event.sentNanos = event.startNanos &+ 5_000
        }
        // In place, as the data path passes its events.
        shard.record(&event)
    }
    benchmark.stopMeasurement()
    blackHole(shard.snapshot())
}

/// A span sink that keeps every span.
final class CollectingSpanSink: SpanSink {
    let spans = NIOLockedValueBox<[SpanRecord]>([])
    func submit(_ span: SpanRecord) { spans.withLockedValue { $0.append(span) } }
    func submit(_ spans: [SpanRecord]) { self.spans.withLockedValue { $0 += spans } }
    var isFull: Bool { false }
    func droppedUnbuilt(_ count: Int) {}
}

/// A span sink that keeps nothing (sampled-out commands never reach it).
struct DiscardingSpanSink: SpanSink {
    func submit(_ span: SpanRecord) {}
    func submit(_ spans: [SpanRecord]) {}
    var isFull: Bool { false }
    func droppedUnbuilt(_ count: Int) {}
}

/// A span sink that is always full: every kept span is dropped unbuilt.
struct FullSpanSink: SpanSink {
    func submit(_ span: SpanRecord) {}
    func submit(_ spans: [SpanRecord]) {}
    var isFull: Bool { true }
    func droppedUnbuilt(_ count: Int) {}
}

/// Scans every frame of `fixture` once per measured iteration.
func scan(_ fixture: ByteBuffer, mode: RESPScanner.Mode, _ benchmark: Benchmark) {
    var scanner = RESPScanner(mode: mode)
    var frame = RESPFrame()
    fixture.withUnsafeReadableBytes { bytes in
        var offset = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            if offset == bytes.count { offset = 0 }
            // As the proxy scans: into a summary it keeps across frames.
            blackHole(try! scanner.next(bytes, offset: &offset, into: &frame))
            blackHole(frame.count)
        }
        benchmark.stopMeasurement()
    }
}
