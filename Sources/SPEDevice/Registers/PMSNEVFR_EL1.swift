/// `PMSNEVFR_EL1`: Sampling Inverted Event Filter Register: the events a kept record must not have.
public struct PMSNEVFR_EL1: EventMaskRegister {
    public static let id = SPERegisterID.PMSNEVFR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public typealias Layout = EventMaskLayout

    public static let spec = RegisterSpec(
        name: "PMSNEVFR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 1), access: .readWrite, fields: EventMaskLayout.fields)
}
