/// `PMSEVFR_EL1`: Sampling Event Filter Register: the events a kept record must have.
public struct PMSEVFR_EL1: EventMaskRegister {
    public static let id = SPERegisterID.PMSEVFR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public typealias Layout = EventMaskLayout

    public static let spec = RegisterSpec(
        name: "PMSEVFR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 5), access: .readWrite, fields: EventMaskLayout.fields)
}
