/// `PMBSR_EL1`: Profiling Buffer Status/syndrome Register.
public struct PMBSR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMBSR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let MSS2 = BitField(55, 32)
        public static let EC = BitField(31, 26)
        public static let DL = BitField(19, 19)
        public static let EA = BitField(18, 18)
        public static let S = BitField(17, 17)
        public static let COLL = BitField(16, 16)
        public static let MSS = BitField(15, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMBSR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 10, 3), access: .readWrite,
        fields: [
            .res0(63, 56),
            .field("MSS2", Layout.MSS2, "Management event specific syndrome 2"),
            .field("EC", Layout.EC, "Event class", encodings: BufferExceptionClass.encodings),
            .res0(25, 20),
            .field("DL", Layout.DL, "Partial record lost"),
            .field("EA", Layout.EA, "External abort"),
            .field("S", Layout.S, "Service: profiling stopped, PMBIRQ asserted"),
            .field("COLL", Layout.COLL, "Collision"),
            .field("MSS", Layout.MSS, "Management event specific syndrome"),
        ])

    /// `MSS2`[55:32]: Management event specific syndrome 2.
    public var MSS2: UInt64 {
        get { self[Layout.MSS2] }
        set { self[Layout.MSS2] = newValue }
    }

    /// `EC`[31:26]: Event class.
    public var EC: BufferExceptionClass {
        get { BufferExceptionClass(rawValue: UInt8(self[Layout.EC])) }
        set { self[Layout.EC] = UInt64(newValue.rawValue) }
    }

    /// `DL`[19]: Partial record lost.
    public var DL: Bool {
        get { self[bit: 19] }
        set { self[bit: 19] = newValue }
    }

    /// `EA`[18]: External abort.
    public var EA: Bool {
        get { self[bit: 18] }
        set { self[bit: 18] = newValue }
    }

    /// `S`[17]: Service: profiling stopped, PMBIRQ asserted.
    public var S: Bool {
        get { self[bit: 17] }
        set { self[bit: 17] = newValue }
    }

    /// `COLL`[16]: Collision.
    public var COLL: Bool {
        get { self[bit: 16] }
        set { self[bit: 16] = newValue }
    }

    /// `MSS`[15:0]: Management event specific syndrome.
    public var MSS: UInt64 {
        get { self[Layout.MSS] }
        set { self[Layout.MSS] = newValue }
    }
}
