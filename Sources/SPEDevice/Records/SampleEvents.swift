/// The payload of an SPE Events packet: one bit per event the sampled operation caused.
///
/// The same bit positions are used by `PMSEVFR_EL1` and `PMSNEVFR_EL1` filters. Bits without a
/// named member stay representable and survive an encode/decode round trip.
public struct SampleEvents: OptionSet, Hashable, Sendable {
    /// The event bits, bit 0 upward.
    public var rawValue: UInt64

    /// Wraps raw event bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit 0: the operation generated an exception.
    public static let exception = SampleEvents(rawValue: 1 << 0)
    /// Bit 1: the operation retired (architecturally executed).
    public static let retired = SampleEvents(rawValue: 1 << 1)
    /// Bit 2: the operation accessed the level 1 data cache.
    public static let l1dAccess = SampleEvents(rawValue: 1 << 2)
    /// Bit 3: the operation refilled the level 1 data cache.
    public static let l1dRefill = SampleEvents(rawValue: 1 << 3)
    /// Bit 4: the operation accessed the TLB.
    public static let tlbAccess = SampleEvents(rawValue: 1 << 4)
    /// Bit 5: the operation caused a translation table walk.
    public static let tlbWalk = SampleEvents(rawValue: 1 << 5)
    /// Bit 6: a conditional operation (for example a branch) was not taken.
    public static let notTaken = SampleEvents(rawValue: 1 << 6)
    /// Bit 7: a branch was mispredicted.
    public static let mispredicted = SampleEvents(rawValue: 1 << 7)
    /// Bit 8: the operation accessed the last level cache.
    public static let llcAccess = SampleEvents(rawValue: 1 << 8)
    /// Bit 9: the operation missed in the last level cache.
    public static let llcMiss = SampleEvents(rawValue: 1 << 9)
}
