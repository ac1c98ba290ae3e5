import Foundation

/// The admin endpoint's JSON (`/stats`, `/slowlog`, `/hotkeys`, `/bigkeys`, `/clients`):
/// pretty-printed, keys sorted and in snake_case.
enum AdminJSON {
    /// `value` as JSON, or `fallback` if it cannot be encoded.
    static func encode(_ value: some Encodable, fallback: String = "{}") -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? fallback
    }
}
