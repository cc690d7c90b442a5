/// `PMSFCR_EL1`: Sampling Filter Control Register.
public struct PMSFCR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSFCR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let ST = BitField(18, 18)
        public static let LD = BitField(17, 17)
        public static let B = BitField(16, 16)
        public static let FnE = BitField(3, 3)
        public static let FL = BitField(2, 2)
        public static let FT = BitField(1, 1)
        public static let FE = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSFCR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 4), access: .readWrite,
        fields: [
            .res0(63, 19),
            .field("ST", Layout.ST, "Keep store operations"),
            .field("LD", Layout.LD, "Keep load operations"),
            .field("B", Layout.B, "Keep branch operations"),
            .res0(15, 4),
            .field("FnE", Layout.FnE, "Inverted event filter enable"),
            .field("FL", Layout.FL, "Latency filter enable"),
            .field("FT", Layout.FT, "Type filter enable"),
            .field("FE", Layout.FE, "Event filter enable"),
        ])

    /// `ST`[18]: Keep store operations.
    public var ST: Bool {
        get { self[bit: 18] }
        set { self[bit: 18] = newValue }
    }

    /// `LD`[17]: Keep load operations.
    public var LD: Bool {
        get { self[bit: 17] }
        set { self[bit: 17] = newValue }
    }

    /// `B`[16]: Keep branch operations.
    public var B: Bool {
        get { self[bit: 16] }
        set { self[bit: 16] = newValue }
    }

    /// `FnE`[3]: Inverted event filter enable.
    public var FnE: Bool {
        get { self[bit: 3] }
        set { self[bit: 3] = newValue }
    }

    /// `FL`[2]: Latency filter enable.
    public var FL: Bool {
        get { self[bit: 2] }
        set { self[bit: 2] = newValue }
    }

    /// `FT`[1]: Type filter enable.
    public var FT: Bool {
        get { self[bit: 1] }
        set { self[bit: 1] = newValue }
    }

    /// `FE`[0]: Event filter enable.
    public var FE: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
