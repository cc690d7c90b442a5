/// A mask over the event bits of the model's records (SPE.md §4): `PMSEVFR_EL1` (events a kept record
/// must have) and `PMSNEVFR_EL1` (events it must not have) share this layout. **Model decision:** one
/// field per event bit the records carry, bits 0–9 (`E0`–`E9`); bits [63:10] are RES0 in the model.
public protocol EventMaskRegister: SystemRegister {}

/// The layout of an ``EventMaskRegister``.
public enum EventMaskLayout {
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

    /// The fields from bit 63 down.
    public static let fields: [FieldSpec] = [
        .res0(63, 10),
        .field("E9", E9, "LLC miss"),
        .field("E8", E8, "LLC access"),
        .field("E7", E7, "mispredicted"),
        .field("E6", E6, "not taken"),
        .field("E5", E5, "TLB walk"),
        .field("E4", E4, "TLB access"),
        .field("E3", E3, "L1D refill"),
        .field("E2", E2, "L1D access"),
        .field("E1", E1, "retired"),
        .field("E0", E0, "exception"),
    ]
}

extension EventMaskRegister {
    /// The events the mask names.
    public var events: SampleEvents {
        get { SampleEvents(rawValue: rawValue & 0x3FF) }
        set { rawValue = (rawValue & ~0x3FF) | (newValue.rawValue & 0x3FF) }
    }

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
