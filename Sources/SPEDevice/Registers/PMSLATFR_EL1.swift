/// `PMSLATFR_EL1`: Sampling Latency Filter Register.
public struct PMSLATFR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSLATFR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let MINLAT = BitField(15, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSLATFR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 6), access: .readWrite,
        fields: [
            .res0(63, 16),
            .field("MINLAT", Layout.MINLAT, "Minimum total latency of a kept record"),
        ])

    /// `MINLAT`[15:0]: Minimum total latency of a kept record.
    public var MINLAT: UInt64 {
        get { self[Layout.MINLAT] }
        set { self[Layout.MINLAT] = newValue }
    }
}
