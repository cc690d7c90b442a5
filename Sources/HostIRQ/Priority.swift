/// A GIC interrupt priority: a lower value is more urgent (0 is the highest priority).
///
/// An interrupt is deliverable on a CPU only if its priority value is strictly lower than the
/// CPU's priority mask and than the running priority (the most urgent active interrupt), as with
/// the GIC's `ICC_PMR_EL1` and running priority.
public struct Priority: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The priority value, 0 (most urgent) ... 255 (least urgent; never passes a mask).
    public var rawValue: UInt8
    /// A priority from its value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A priority from its value.
    public init(_ value: UInt8) { self.rawValue = value }

    /// 0, the most urgent priority.
    public static let highest = Priority(0)
    /// 0x40, the default for SGIs (kicks are taken before device interrupts).
    public static let defaultSGI = Priority(0x40)
    /// 0xA0, the default for PPIs, SPIs and virtual interrupts.
    public static let defaultDevice = Priority(0xA0)
    /// 0xFF: as a mask, lets every interrupt of priority 0...254 through.
    public static let lowest = Priority(0xFF)

    /// `urgent < lessUrgent`: compares values, so the more urgent priority is the smaller.
    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }

    /// `0xA0`.
    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return "0x" + (hex.count < 2 ? "0" + hex : hex)
    }
}
