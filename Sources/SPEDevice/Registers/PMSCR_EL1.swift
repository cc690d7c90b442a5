/// `PMSCR_EL1`: Statistical Profiling Control Register (EL1): the guest's (or EL1's) sampling enables.
public struct PMSCR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSCR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let PCT = BitField(7, 6)
        public static let TS = BitField(5, 5)
        public static let PA = BitField(4, 4)
        public static let CX = BitField(3, 3)
        public static let E1SPE = BitField(1, 1)
        public static let E0SPE = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSCR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite,
        fields: [
            .res0(63, 8),
            .field("PCT", Layout.PCT, "Physical timestamp select"),
            .field("TS", Layout.TS, "Timestamp enable"),
            .field("PA", Layout.PA, "Physical address sample enable"),
            .field("CX", Layout.CX, "CONTEXTIDR_EL1 sample enable"),
            .res0(2, 2),
            .field("E1SPE", Layout.E1SPE, "EL1 sampling enable"),
            .field("E0SPE", Layout.E0SPE, "EL0 sampling enable"),
        ])

    /// `PCT`[7:6]: Physical timestamp select.
    public var PCT: UInt64 {
        get { self[Layout.PCT] }
        set { self[Layout.PCT] = newValue }
    }

    /// `TS`[5]: Timestamp enable.
    public var TS: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `PA`[4]: Physical address sample enable.
    public var PA: Bool {
        get { self[bit: 4] }
        set { self[bit: 4] = newValue }
    }

    /// `CX`[3]: CONTEXTIDR_EL1 sample enable.
    public var CX: Bool {
        get { self[bit: 3] }
        set { self[bit: 3] = newValue }
    }

    /// `E1SPE`[1]: EL1 sampling enable.
    public var E1SPE: Bool {
        get { self[bit: 1] }
        set { self[bit: 1] = newValue }
    }

    /// `E0SPE`[0]: EL0 sampling enable.
    public var E0SPE: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
