/// `PMBPTR_EL1`: Profiling Buffer Write Pointer Register.
public struct PMBPTR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMBPTR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let PTR = BitField(63, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMBPTR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 10, 1), access: .readWrite,
        fields: [
            .field("PTR", Layout.PTR, "Virtual address of the next byte to write"),
        ])

    /// `PTR`[63:0]: Virtual address of the next byte to write.
    public var PTR: UInt64 {
        get { self[Layout.PTR] }
        set { self[Layout.PTR] = newValue }
    }
}
