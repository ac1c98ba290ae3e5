/// When an export is tried again: only on 429, 502, 503, 504 and connection errors, after
/// an exponential backoff with jitter, or after the server's `Retry-After`.
public struct RetryPolicy: Sendable {
    /// The first backoff, in seconds (default 0.5).
    public var initialBackoff: Double = 0.5
    /// The longest backoff, in seconds (default 30).
    public var maxBackoff: Double = 30
    /// The longest `Retry-After` honoured, in seconds (default 60).
    public var maxRetryAfter: Double = 60

    /// The defaults.
    public init() {}

    /// Whether an HTTP status means "try again later".
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 502 || status == 503 || status == 504
    }

    /// Seconds to wait before attempt `attempt + 1` (attempt counts from 1): the server's
    /// `Retry-After` when it sent one, else `initial × 2^(attempt-1)` capped, times a
    /// random factor in 0.5...1 (jitter, so many proxies do not retry in step).
    public func delay(afterAttempt attempt: Int, retryAfter: Double?, jitter: Double) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxRetryAfter) }
        let exponential = initialBackoff * Double(1 << min(max(attempt - 1, 0), 20))
        return min(exponential, maxBackoff) * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// A `Retry-After` header's seconds (`delay-seconds` form; an HTTP date gives nil,
    /// and the backoff applies).
    public static func retryAfterSeconds(_ header: String?) -> Double? {
        guard let header, let seconds = Double(header.trimmingCharacters(in: " \t")), seconds >= 0,
            seconds.isFinite
        else { return nil }
        return seconds
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
