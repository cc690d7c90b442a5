/// `PMBSR_EL1.EC`, bits [31:26]: the class of a buffer management event.
public struct BufferExceptionClass: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Other buffer management event; `MSS` holds a ``BufferStatusCode``.
    public static let other = BufferExceptionClass(rawValue: 0b000000)
    /// Stage 1 data abort on a buffer write; `MSS` holds a ``FaultStatusCode``.
    public static let stage1DataAbort = BufferExceptionClass(rawValue: 0b100100)
    /// Stage 2 data abort on a buffer write; `MSS` holds a ``FaultStatusCode``.
    public static let stage2DataAbort = BufferExceptionClass(rawValue: 0b100101)
    /// Granule protection check fault.
    public static let gpcFault = BufferExceptionClass(rawValue: 0b011110)
    /// IMPLEMENTATION DEFINED buffer management event.
    public static let implementationDefined = BufferExceptionClass(rawValue: 0b011111)

    /// The architected values with their names, for the register table.
    public static let named: [(value: BufferExceptionClass, name: String)] = [
        (.other, "other"),
        (.stage1DataAbort, "stage1DataAbort"),
        (.stage2DataAbort, "stage2DataAbort"),
        (.gpcFault, "gpcFault"),
        (.implementationDefined, "implementationDefined"),
    ]

}
