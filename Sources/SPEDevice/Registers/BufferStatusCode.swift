/// `PMBSR_EL1.MSS.BSC`, bits [5:0] of `MSS` when `EC` is "other".
public struct BufferStatusCode: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// No status (the buffer has not filled).
    public static let notFilled = BufferStatusCode(rawValue: 0b000000)
    /// The buffer filled.
    public static let bufferFilled = BufferStatusCode(rawValue: 0b000001)
    /// The buffer is larger than the maximum size advertised in `PMBIDR_EL1.MaxBuffSize`.
    public static let bufferTooLarge = BufferStatusCode(rawValue: 0b000100)

    /// The architected values with their names, for the register table.
    public static let named: [(value: BufferStatusCode, name: String)] = [
        (.notFilled, "notFilled"),
        (.bufferFilled, "bufferFilled"),
        (.bufferTooLarge, "bufferTooLarge"),
    ]

}
