import ArgumentParser
import DurationText
import Proxy
import Telemetry

/// Hot keys and big keys (`/hotkeys`, `/bigkeys`, `redislens_hotkey_commands`).
struct HotKeyOptions: ParsableArguments {
    @Flag(help: "Count the hottest keys per window, served at /hotkeys. (default: off)")
    var hotkeys = false

    @Option(help: "Hot keys reported, and big requests and replies kept at /bigkeys, per window. (default: 100)")
    var hotkeysK: String?

    @Option(help: "The hot and big key window: 60s, 500ms, or seconds. (default: 60s)")
    var hotkeysWindow: String?

    @Option(help: "Hottest keys exported as redislens_hotkey_commands{key}. (default: 0, none)")
    var hotkeysMetrics: String?

    /// The settings, from flags, `REDIS_LENS_HOTKEYS*` or the defaults.
    func configuration(_ values: OptionValues) throws(ConfigurationError) -> KeyWindowConfiguration {
        var keys = KeyWindowConfiguration()
        keys.hotKeys = hotkeys || values.isTrue("hotkeys")
        keys.topK = try values.integer(hotkeysK, "hotkeys-k", 100, in: 1...10_000)
        let window = try values.parse(hotkeysWindow, "hotkeys-window", "60s") { text throws(ConfigurationError) in
            guard let seconds = DurationText.seconds(text), seconds >= 0.001, seconds <= 86_400 else {
                throw ConfigurationError("'\(text)' is not a window (60s, 500ms; 1ms to 24 hours)")
            }
            return seconds
        }
        keys.windowNanos = UInt64(window * 1e9)
        keys.metricsTopN = try values.integer(hotkeysMetrics, "hotkeys-metrics", 0, in: 0...keys.topK)
        if keys.metricsTopN > 0 && !keys.hotKeys {
            throw ConfigurationError("--hotkeys-metrics needs --hotkeys")
        }
        return keys
    }
}
