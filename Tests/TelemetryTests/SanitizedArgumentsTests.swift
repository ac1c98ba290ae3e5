import Telemetry
import Testing

/// What the slow log shows of a command: its name, its first key, and `?` for every
/// other argument, so values and secrets never show.
@Suite struct SanitizedArguments {
    /// The slow log's text for one slow command.
    func logged(_ arguments: [[UInt8]]) -> String {
        let hub = makeHub(slowThresholdNanos: 1)
        hub.makeShard().record(Events.make(arguments, reply: "+OK\r\n", nanos: 5))
        return hub.slowLog.entries.first?.arguments ?? "(not logged)"
    }

    func logged(_ arguments: String...) -> String {
        logged(arguments.map { Array($0.utf8) })
    }

    @Test func keyShownValueHidden() {
        #expect(logged("SET", "user:1", "secret-value") == "SET user:1 ?")
        #expect(logged("set", "user:1", "v", "EX", "10") == "SET user:1 ? ? ?")
        #expect(logged("GET", "user:1") == "GET user:1")
        #expect(logged("HSET", "h", "field", "value") == "HSET h ? ?")
    }

    @Test func authNeverShowsThePassword() {
        #expect(logged("AUTH", "hunter2") == "AUTH ?")
        #expect(logged("auth", "alice", "hunter2") == "AUTH ? ?")
        #expect(logged("HELLO", "3", "AUTH", "alice", "hunter2") == "HELLO ? ? ? ?")
    }

    @Test func subcommandsShowNoArguments() {
        #expect(logged("CONFIG", "SET", "requirepass", "hunter2") == "CONFIG SET ? ?")
        #expect(logged("config", "get", "maxmemory") == "CONFIG GET ?")
        #expect(logged("ACL", "SETUSER", "alice", ">hunter2") == "ACL SETUSER ? ?")
    }

    @Test func migrateShowsNoArgumentText() {
        let text = logged("MIGRATE", "10.0.0.9", "6379", "user:1", "0", "5000", "AUTH", "hunter2")
        #expect(text == "MIGRATE ? ? ? ? ? ? ?")
    }

    @Test func unknownCommandsShowNothing() {
        #expect(logged("MYSECRETCMD", "hunter2") == "? ?")
        #expect(logged("CONFIG", "HUNTER2", "x") == "? ? ?")
    }

    @Test func nonPrintableKeyBytesAreEscaped() {
        let key: [UInt8] = [0x6B, 0x00, 0x0A, 0x5C, 0x7F, 0xC3, 0xA9, 0x21]
        #expect(logged([Array("SET".utf8), key, Array("v".utf8)]) == "SET k\\x00\\x0a\\x5c\\x7f\\xc3\\xa9! ?")
    }

    @Test func longKeysAreCut() {
        let key = String(repeating: "k", count: 40)
        #expect(logged("GET", key) == "GET " + String(repeating: "k", count: 32) + "…")
    }

    @Test func sanitizedByLabel() {
        let event = Events.make(["SET", "user:1", "v"], reply: "+OK\r\n")
        #expect(TelemetryHub.sanitized(event, label: "set", showKey: true) == "SET user:1 ?")
        #expect(TelemetryHub.sanitized(event, label: "set", showKey: false) == "SET ? ?")
        #expect(TelemetryHub.sanitized(event, label: "other", showKey: false) == "? ? ?")
    }
}
