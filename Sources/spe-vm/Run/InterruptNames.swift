import VCPURuntime

/// The report's forms of the interrupt counts (names from ``InterruptNames``).
extension InterruptNames {
    /// Counts by INTID as JSON, keyed by name.
    static func json(_ counts: [UInt32: UInt64]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { (key($0.key), JSONValue.integer($0.value)) }))
    }

    /// Counts by INTID as text, in INTID order (`none` when empty).
    static func text(_ counts: [UInt32: UInt64]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\(label($0.key)) \($0.value)" }.joined(separator: ", ")
    }
}
