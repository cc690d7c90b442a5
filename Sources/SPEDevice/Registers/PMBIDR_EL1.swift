/// `PMBIDR_EL1`: Profiling Buffer ID Register.
public struct PMBIDR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMBIDR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let MaxBuffSize = BitField(47, 32)
        public static let EA = BitField(11, 8)
        public static let F = BitField(5, 5)
        public static let P = BitField(4, 4)
        public static let Align = BitField(3, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMBIDR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 10, 7), access: .readOnly,
        fields: [
            .res0(63, 48),
            .field("MaxBuffSize", Layout.MaxBuffSize, "Maximum buffer size: M = [8:0], E = [13:9]; 0 means no limit"),
            .res0(31, 12),
            .field("EA", Layout.EA, "External abort handling"),
            .res0(7, 6),
            .field("F", Layout.F, "Flag updates"),
            .field("P", Layout.P, "Programming not allowed at this Exception level"),
            .field("Align", Layout.Align, "Records are multiples of 2^Align bytes"),
        ])

    /// `MaxBuffSize`[47:32]: Maximum buffer size: M = [8:0], E = [13:9]; 0 means no limit.
    public var MaxBuffSize: UInt64 {
        get { self[Layout.MaxBuffSize] }
        set { self[Layout.MaxBuffSize] = newValue }
    }

    /// `EA`[11:8]: External abort handling.
    public var EA: UInt64 {
        get { self[Layout.EA] }
        set { self[Layout.EA] = newValue }
    }

    /// `F`[5]: Flag updates.
    public var F: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `P`[4]: Programming not allowed at this Exception level.
    public var P: Bool {
        get { self[bit: 4] }
        set { self[bit: 4] = newValue }
    }

    /// `Align`[3:0]: Records are multiples of 2^Align bytes.
    public var Align: UInt64 {
        get { self[Layout.Align] }
        set { self[Layout.Align] = newValue }
    }
}
