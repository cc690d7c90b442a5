/// The run-wide index of a virtual CPU (0-based): how HostIRQ names a VCPU. (SPEDevice names a VCPU by
/// VM and index, `VCPUID`; the runtime maps one to the other.)
public struct VCPUIndex: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The VCPU's index.
    public let rawValue: Int
    /// A VCPU from its index.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// A VCPU from its index.
    public init(_ index: Int) { self.rawValue = index }
    /// A VCPU from an integer literal.
    public init(integerLiteral value: Int) { self.rawValue = value }
    /// Ordered by index.
    public static func < (a: VCPUIndex, b: VCPUIndex) -> Bool { a.rawValue < b.rawValue }
    /// `VCPU 3`.
    public var description: String { "VCPU \(rawValue)" }
}
