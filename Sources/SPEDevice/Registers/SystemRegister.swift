/// A register value: a value type over the raw 64 bits with masked, typed properties for its
/// fields, laid out by its entry in ``RegisterTable``.
public protocol SystemRegister: RawRepresentable, Hashable, Sendable, CustomStringConvertible
where RawValue == UInt64 {
    /// The register's identity in the table.
    static var id: SPERegisterID { get }
    /// The register's layout and encoding.
    static var spec: RegisterSpec { get }
    var rawValue: UInt64 { get set }
    init(rawValue: UInt64)
}

extension SystemRegister {
    /// A value with its RES0 bits cleared, as a write by software leaves it.
    public init(masking raw: UInt64) { self.init(rawValue: raw & ~Self.spec.res0Mask) }

    /// The value of the bits `field`.
    @inlinable public subscript(field: BitField) -> UInt64 {
        get { field.extract(from: rawValue) }
        set { rawValue = field.inserting(newValue, into: rawValue) }
    }

    /// The one-bit field at `bit`.
    @inlinable public subscript(bit bit: Int) -> Bool {
        get { rawValue & (1 << UInt64(bit)) != 0 }
        set { rawValue = newValue ? rawValue | (1 << UInt64(bit)) : rawValue & ~(1 << UInt64(bit)) }
    }

    /// `PMBSR_EL1=0x0000000000020001`, the form the tools print.
    public var description: String { "\(Self.id.name)=\(hex64(rawValue))" }
}

/// `0x` and 16 hex digits.
public func hex64(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
