/// `MDCR_EL2.E2PB`, bits [13:12]: which Exception level owns the profiling buffer.
public struct BufferOwner: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// EL2 owns the buffer; EL1 buffer-register accesses trap to EL2.
    public static let el2 = BufferOwner(rawValue: 0b00)
    /// EL1 owns the buffer; its buffer-register accesses trap to EL2.
    public static let el1Trapped = BufferOwner(rawValue: 0b10)
    /// EL1 owns the buffer; no trap.
    public static let el1 = BufferOwner(rawValue: 0b11)

    /// The architected values with their names, for the register table.
    public static let named: [(value: BufferOwner, name: String)] = [
        (.el2, "el2"),
        (.el1Trapped, "el1Trapped"),
        (.el1, "el1"),
    ]

}
