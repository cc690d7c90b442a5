/// `PMSICR_EL1`: Sampling Interval Counter Register: the countdown to the next sample.
public struct PMSICR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSICR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let COUNT = BitField(31, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSICR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 2), access: .readWrite,
        fields: [
            .res0(63, 32),
            .field("COUNT", Layout.COUNT, "Current value of the sample interval counter"),
        ])

    /// `COUNT`[31:0]: Current value of the sample interval counter.
    public var COUNT: UInt64 {
        get { self[Layout.COUNT] }
        set { self[Layout.COUNT] = newValue }
    }
}
