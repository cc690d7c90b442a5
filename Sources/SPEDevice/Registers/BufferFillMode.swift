/// `PMBLIMITR_EL1.FM`, bits [2:1]: what the buffer does with records.
public struct BufferFillMode: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Fill mode: records are written; a full buffer stops profiling and interrupts.
    public static let fill = BufferFillMode(rawValue: 0b00)
    /// Discard mode: samples are taken and dropped; nothing is written.
    public static let discard = BufferFillMode(rawValue: 0b10)

    /// The architected values with their names, for the register table.
    public static let named: [(value: BufferFillMode, name: String)] = [
        (.fill, "fill"),
        (.discard, "discard"),
    ]

}
