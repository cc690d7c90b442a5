/// `PMSCR_EL1`: Statistical Profiling Control Register (EL1): the guest's (or EL1's) sampling enables.
public struct PMSCR_EL1: StatisticalProfilingControl {
    public static let id = SPERegisterID.PMSCR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let PCT = StatisticalProfilingControlLayout.PCT
        public static let TS = StatisticalProfilingControlLayout.TS
        public static let PA = StatisticalProfilingControlLayout.PA
        public static let CX = StatisticalProfilingControlLayout.CX
        public static let E1SPE = BitField(1, 1)
        public static let E0SPE = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSCR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite,
        fields: StatisticalProfilingControlLayout.fields(
            enables: [.field("E1SPE", Layout.E1SPE, "EL1 sampling enable"), .field("E0SPE", Layout.E0SPE, "EL0 sampling enable")],
            contextSummary: "CONTEXTIDR_EL1 sample enable"))

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
