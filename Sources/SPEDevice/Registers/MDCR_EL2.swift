/// `MDCR_EL2`: Monitor Debug Configuration Register (EL2): only the SPE fields are modelled; the other bits are RES0 in the model.
public struct MDCR_EL2: SystemRegister {
    public static let id = SPERegisterID.MDCR_EL2
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let TPMS = BitField(14, 14)
        public static let E2PB = BitField(13, 12)
    }

    public static let spec = RegisterSpec(
        name: "MDCR_EL2", encoding: SystemRegisterEncoding(3, 4, 1, 1, 1), access: .readWrite,
        fields: [
            .res0(63, 15),
            .field("TPMS", Layout.TPMS, "Trap sampling-control register accesses to EL2"),
            .field("E2PB", Layout.E2PB, "Profiling buffer owner", encodings: BufferOwner.encodings),
            .res0(11, 0),
        ])

    /// `TPMS`[14]: Trap sampling-control register accesses to EL2.
    public var TPMS: Bool {
        get { self[bit: 14] }
        set { self[bit: 14] = newValue }
    }

    /// `E2PB`[13:12]: Profiling buffer owner.
    public var E2PB: BufferOwner {
        get { BufferOwner(rawValue: UInt8(self[Layout.E2PB])) }
        set { self[Layout.E2PB] = UInt64(newValue.rawValue) }
    }
}
