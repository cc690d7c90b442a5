/// An encoded register field (`EC`, `BSC`, `FM`, `E2PB`, …): a `RawRepresentable` struct with static
/// members for the architected values, so reserved values a guest may write stay representable.
public protocol EncodedField: RawRepresentable, Hashable, Sendable, CustomStringConvertible
where RawValue == UInt8 {
    /// The architected values with their names.
    static var named: [(value: Self, name: String)] { get }
}

extension EncodedField {
    /// The architected name, or `reserved(0b…)`.
    public var description: String {
        Self.named.first { $0.value == self }?.name ?? "reserved(0b\(String(rawValue, radix: 2)))"
    }

    /// Whether the value is one the architecture defines.
    public var isArchitected: Bool { Self.named.contains { $0.value == self } }

    /// The named values, for the register table.
    static var encodings: [NamedEncoding] { named.map { NamedEncoding(UInt64($0.value.rawValue), $0.name) } }
}
