/// `PMBSR_EL1.MSS.FSC`, bits [5:0] of `MSS` for a data abort on a buffer write, in the style of
/// a data fault status code.
public struct FaultStatusCode: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Translation fault at lookup level `level` (0...3): `0b0001LL`.
    public static func translation(level: UInt8) -> FaultStatusCode { .init(rawValue: 0b0001_00 | (level & 3)) }
    /// Access flag fault at lookup level `level` (0...3): `0b0010LL`.
    public static func accessFlag(level: UInt8) -> FaultStatusCode { .init(rawValue: 0b0010_00 | (level & 3)) }
    /// Permission fault at lookup level `level` (0...3): `0b0011LL`.
    public static func permission(level: UInt8) -> FaultStatusCode { .init(rawValue: 0b0011_00 | (level & 3)) }
    /// Synchronous external abort, not on a translation table walk: `0b010000`.
    public static let synchronousExternalAbort = FaultStatusCode(rawValue: 0b010000)

    /// The translation fault the model's page walks report (level 3: the last level).
    public static let translationFault = translation(level: 3)

    public static let named: [(value: FaultStatusCode, name: String)] =
        (0...3).map { (translation(level: UInt8($0)), "translationL\($0)") }
        + (0...3).map { (accessFlag(level: UInt8($0)), "accessFlagL\($0)") }
        + (0...3).map { (permission(level: UInt8($0)), "permissionL\($0)") }
        + [(synchronousExternalAbort, "synchronousExternalAbort")]
}
