/// The class of a sampled operation, the low two bits of an SPE operation-type packet header
/// (`0x48 | class`).
///
/// A `RawRepresentable` struct rather than an enum so that the reserved class (3) stays
/// representable when a decoder meets it.
public struct OperationClass: RawRepresentable, Hashable, Sendable {
    /// The class number, 0...3 in a packet header.
    public var rawValue: UInt8

    /// Wraps a class number. Only 0...3 fit an operation-type header; the encoder refuses others.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Class 0: other operations (for example arithmetic).
    public static let other = OperationClass(rawValue: 0)
    /// Class 1: a load or a store.
    public static let loadStore = OperationClass(rawValue: 1)
    /// Class 2: a branch.
    public static let branch = OperationClass(rawValue: 2)
}
