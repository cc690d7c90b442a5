/// The index of a physical CPU (0-based).
public struct CPUID: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The CPU's index.
    public let rawValue: Int
    /// A CPU from its index.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// A CPU from its index.
    public init(_ index: Int) { self.rawValue = index }
    /// A CPU from an integer literal.
    public init(integerLiteral value: Int) { self.rawValue = value }
    /// Ordered by index.
    public static func < (a: CPUID, b: CPUID) -> Bool { a.rawValue < b.rawValue }
    /// `CPU 1`.
    public var description: String { "CPU \(rawValue)" }
}
