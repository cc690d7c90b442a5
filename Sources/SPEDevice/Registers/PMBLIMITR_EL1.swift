/// `PMBLIMITR_EL1`: Profiling Buffer Limit Address Register.
public struct PMBLIMITR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMBLIMITR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let LIMIT = BitField(63, 12)
        public static let nVM = BitField(7, 7)
        public static let PMFZ = BitField(5, 5)
        public static let FM = BitField(2, 1)
        public static let E = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMBLIMITR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 10, 0), access: .readWrite,
        fields: [
            .field("LIMIT", Layout.LIMIT, "Limit address [63:12]: first byte after the buffer"),
            .res0(11, 8),
            .field("nVM", Layout.nVM, "No virtual memory (RES0 for guests)"),
            .res0(6, 6),
            .field("PMFZ", Layout.PMFZ, "Freeze PMU on buffer management event"),
            .res0(4, 3),
            .field("FM", Layout.FM, "Fill mode", encodings: BufferFillMode.encodings),
            .field("E", Layout.E, "Profiling buffer enable"),
        ])

    /// `LIMIT`[63:12]: Limit address [63:12]: first byte after the buffer.
    public var LIMIT: UInt64 {
        get { self[Layout.LIMIT] }
        set { self[Layout.LIMIT] = newValue }
    }

    /// `nVM`[7]: No virtual memory (RES0 for guests).
    public var nVM: Bool {
        get { self[bit: 7] }
        set { self[bit: 7] = newValue }
    }

    /// `PMFZ`[5]: Freeze PMU on buffer management event.
    public var PMFZ: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `FM`[2:1]: Fill mode.
    public var FM: BufferFillMode {
        get { BufferFillMode(rawValue: UInt8(self[Layout.FM])) }
        set { self[Layout.FM] = UInt64(newValue.rawValue) }
    }

    /// `E`[0]: Profiling buffer enable.
    public var E: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
