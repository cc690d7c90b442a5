/// `PMSIRR_EL1`: Sampling Interval Reload Register.
public struct PMSIRR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSIRR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let INTERVAL = BitField(31, 8)
        public static let RND = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSIRR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 3), access: .readWrite,
        fields: [
            .res0(63, 32),
            .field("INTERVAL", Layout.INTERVAL, "Reload value for COUNT[31:8]; interval in operations is INTERVAL x 256"),
            .res0(7, 1),
            .field("RND", Layout.RND, "Random low byte on reload"),
        ])

    /// `INTERVAL`[31:8]: Reload value for COUNT[31:8]; interval in operations is INTERVAL x 256.
    public var INTERVAL: UInt64 {
        get { self[Layout.INTERVAL] }
        set { self[Layout.INTERVAL] = newValue }
    }

    /// `RND`[0]: Random low byte on reload.
    public var RND: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
