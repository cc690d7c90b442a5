/// The layout `PMSCR_EL1` and `PMSCR_EL2` share: the timestamp, physical-address and context
/// controls at the same bits; only their two enables, bits [1:0], differ.
public protocol StatisticalProfilingControl: SystemRegister {}

/// The bits of a ``StatisticalProfilingControl`` register.
public enum StatisticalProfilingControlLayout {
    public static let PCT = BitField(7, 6)
    public static let TS = BitField(5, 5)
    public static let PA = BitField(4, 4)
    public static let CX = BitField(3, 3)

    /// The fields from bit 63 down, with the register's own enables and the summary of its `CX`.
    static func fields(enables: [FieldSpec], contextSummary: String) -> [FieldSpec] {
        [
            .res0(63, 8), .field("PCT", PCT, "Physical timestamp select"), .field("TS", TS, "Timestamp enable"),
            .field("PA", PA, "Physical address sample enable"), .field("CX", CX, contextSummary), .res0(2, 2),
        ] + enables
    }
}

extension StatisticalProfilingControl {
    /// `PCT`[7:6]: Physical timestamp select.
    public var PCT: UInt64 {
        get { self[StatisticalProfilingControlLayout.PCT] }
        set { self[StatisticalProfilingControlLayout.PCT] = newValue }
    }

    /// `TS`[5]: Timestamp enable.
    public var TS: Bool {
        get { self[bit: 5] }
        set { self[bit: 5] = newValue }
    }

    /// `PA`[4]: Physical address sample enable.
    public var PA: Bool {
        get { self[bit: 4] }
        set { self[bit: 4] = newValue }
    }

    /// `CX`[3]: CONTEXTIDR sample enable.
    public var CX: Bool {
        get { self[bit: 3] }
        set { self[bit: 3] = newValue }
    }
}
