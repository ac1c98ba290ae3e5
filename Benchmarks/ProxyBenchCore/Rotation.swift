/// The order targets run in: repeat 0 runs A B C, repeat 1 B C A, repeat 2 C A B, and so
/// on, so every target runs in every position equally often and drift over time (heat,
/// other load) does not favour one.
public enum Rotation {
    /// Target indices in the order repeat `round` runs them.
    public static func order(targets: Int, round: Int) -> [Int] {
        precondition(targets > 0 && round >= 0)
        return (0..<targets).map { (round + $0) % targets }
    }
}
