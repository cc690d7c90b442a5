/// `PMSIDR_EL1`: Sampling Profiling ID Register (SPEv1p2 fields; later versions' fields are RES0 in the model).
public struct PMSIDR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSIDR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let Format = BitField(23, 20)
        public static let CountSize = BitField(19, 16)
        public static let MaxSize = BitField(15, 12)
        public static let Interval = BitField(11, 8)
        public static let FnE = BitField(6, 6)
        public static let ERnd = BitField(5, 5)
        public static let LDS = BitField(4, 4)
        public static let ArchInst = BitField(3, 3)
        public static let FL = BitField(2, 2)
        public static let FT = BitField(1, 1)
        public static let FE = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSIDR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 7), access: .readOnly,
        fields: [
            .res0(63, 24),
            .field("Format", Layout.Format, "Record format"),
            .field("CountSize", Layout.CountSize, "Counter size (0b0010: 12-bit saturating)"),
            .field("MaxSize", Layout.MaxSize, "Largest record is 2^MaxSize bytes"),
            .field("Interval", Layout.Interval, "Recommended minimum sampling interval"),
            .res0(7, 7),
            .field("FnE", Layout.FnE, "Inverted event filter implemented"),
            .field("ERnd", Layout.ERnd, "Random low byte on reload is exact"),
            .field("LDS", Layout.LDS, "Data source indicator"),
            .field("ArchInst", Layout.ArchInst, "Architectural instruction profiling"),
            .field("FL", Layout.FL, "Latency filter implemented"),
            .field("FT", Layout.FT, "Type filter implemented"),
            .field("FE", Layout.FE, "Event filter implemented"),
        ])

    /// `Format`[23:20]: Record format.
    public var Format: UInt64 {
        get { self[Layout.Format] }
        set { self[Layout.Format] = newValue }
    }

    /// `CountSize`[19:16]: Counter size (0b0010: 12-bit saturating).
    public var CountSize: UInt64 {
        get { self[Layout.CountSize] }
        set { self[Layout.CountSize] = newValue }
    }

    /// `MaxSize`[15:12]: Largest record is 2^MaxSize bytes.
    public var MaxSize: UInt64 {
        get { self[Layout.MaxSize] }
        set { self[Layout.MaxSize] = newValue }
    }

    /// `Interval`[11:8]: Recommended minimum sampling interval.
    public var Interval: UInt64 {
        get { self[Layout.Interval] }
        set { self[Layout.Interval] = newValue }
    }

    /// `FnE`[6]: Inverted event filter implemented.
    public var FnE: Bool {
        get { self[bit: 6] }
        set { self[bit: 6] = newValue }
    }

    /// `ERnd`[5]: Random low byte on reload is exact.
    public var ERnd: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `LDS`[4]: Data source indicator.
    public var LDS: Bool {
        get { self[bit: 4] }
        set { self[bit: 4] = newValue }
    }

    /// `ArchInst`[3]: Architectural instruction profiling.
    public var ArchInst: Bool {
        get { self[bit: 3] }
        set { self[bit: 3] = newValue }
    }

    /// `FL`[2]: Latency filter implemented.
    public var FL: Bool {
        get { self[bit: 2] }
        set { self[bit: 2] = newValue }
    }

    /// `FT`[1]: Type filter implemented.
    public var FT: Bool {
        get { self[bit: 1] }
        set { self[bit: 1] = newValue }
    }

    /// `FE`[0]: Event filter implemented.
    public var FE: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
