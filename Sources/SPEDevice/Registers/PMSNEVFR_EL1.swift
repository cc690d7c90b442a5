/// `PMSNEVFR_EL1`: Sampling Inverted Event Filter Register: events a kept record must not have (model: one bit per record event bit).
public struct PMSNEVFR_EL1: SystemRegister {
    public static let id = SPERegisterID.PMSNEVFR_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let E9 = BitField(9, 9)
        public static let E8 = BitField(8, 8)
        public static let E7 = BitField(7, 7)
        public static let E6 = BitField(6, 6)
        public static let E5 = BitField(5, 5)
        public static let E4 = BitField(4, 4)
        public static let E3 = BitField(3, 3)
        public static let E2 = BitField(2, 2)
        public static let E1 = BitField(1, 1)
        public static let E0 = BitField(0, 0)
    }

    public static let spec = RegisterSpec(
        name: "PMSNEVFR_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 1), access: .readWrite,
        fields: [
            .res0(63, 10),
            .field("E9", Layout.E9, "LLC miss"),
            .field("E8", Layout.E8, "LLC access"),
            .field("E7", Layout.E7, "mispredicted"),
            .field("E6", Layout.E6, "not taken"),
            .field("E5", Layout.E5, "TLB walk"),
            .field("E4", Layout.E4, "TLB access"),
            .field("E3", Layout.E3, "L1D refill"),
            .field("E2", Layout.E2, "L1D access"),
            .field("E1", Layout.E1, "retired"),
            .field("E0", Layout.E0, "exception"),
        ])

    /// `E9`[9]: LLC miss.
    public var E9: Bool {
        get { self[bit: 9] }
        set { self[bit: 9] = newValue }
    }

    /// `E8`[8]: LLC access.
    public var E8: Bool {
        get { self[bit: 8] }
        set { self[bit: 8] = newValue }
    }

    /// `E7`[7]: mispredicted.
    public var E7: Bool {
        get { self[bit: 7] }
        set { self[bit: 7] = newValue }
    }

    /// `E6`[6]: not taken.
    public var E6: Bool {
        get { self[bit: 6] }
        set { self[bit: 6] = newValue }
    }

    /// `E5`[5]: TLB walk.
    public var E5: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `E4`[4]: TLB access.
    public var E4: Bool {
        get { self[bit: 4] }
        set { self[bit: 4] = newValue }
    }

    /// `E3`[3]: L1D refill.
    public var E3: Bool {
        get { self[bit: 3] }
        set { self[bit: 3] = newValue }
    }

    /// `E2`[2]: L1D access.
    public var E2: Bool {
        get { self[bit: 2] }
        set { self[bit: 2] = newValue }
    }

    /// `E1`[1]: retired.
    public var E1: Bool {
        get { self[bit: 1] }
        set { self[bit: 1] = newValue }
    }

    /// `E0`[0]: exception.
    public var E0: Bool {
        get { self[bit: 0] }
        set { self[bit: 0] = newValue }
    }
}
