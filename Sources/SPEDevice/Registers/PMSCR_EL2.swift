/// `PMSCR_EL2`: Statistical Profiling Control Register (EL2): the host's sampling enables.
public struct PMSCR_EL2: StatisticalProfilingControl {
    public static let id = SPERegisterID.PMSCR_EL2
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let PCT = StatisticalProfilingControlLayout.PCT
        public static let TS = StatisticalProfilingControlLayout.TS
        public static let PA = StatisticalProfilingControlLayout.PA
        public static let CX = StatisticalProfilingControlLayout.CX
        public static let E2SPE = BitField(1, 1)
        public static let E0HSPE = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSCR_EL2", encoding: SystemRegisterEncoding(3, 4, 9, 9, 0), access: .readWrite,
        fields: StatisticalProfilingControlLayout.fields(
            enables: [.field("E2SPE", Layout.E2SPE, "EL2 sampling enable"), .field("E0HSPE", Layout.E0HSPE, "EL0 sampling enable in the EL2 host")],
            contextSummary: "CONTEXTIDR_EL2 sample enable"))

    /// `E2SPE`[1]: EL2 sampling enable.
    public var E2SPE: Bool {
        get { self[bit: 1] }
        set { self[bit: 1] = newValue }
    }

    /// `E0HSPE`[0]: EL0 sampling enable in the EL2 host.
    public var E0HSPE: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
