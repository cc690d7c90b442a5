/// The `(op0, op1, CRn, CRm, op2)` encoding of an AArch64 system register, as used by `MRS`/`MSR`
/// and in the ISS of a trapped access (exception class 0x18).
public struct SystemRegisterEncoding: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let op0: UInt8
    public let op1: UInt8
    public let crn: UInt8
    public let crm: UInt8
    public let op2: UInt8

    /// An encoding from its five parts (op0 2 bits, op1 3, CRn 4, CRm 4, op2 3).
    public init(_ op0: UInt8, _ op1: UInt8, _ crn: UInt8, _ crm: UInt8, _ op2: UInt8) {
        self.op0 = op0 & 0b11
        self.op1 = op1 & 0b111
        self.crn = crn & 0xF
        self.crm = crm & 0xF
        self.op2 = op2 & 0b111
    }

    /// One number that orders encodings the way the trap table is sorted.
    public var sortKey: UInt32 {
        UInt32(op0) << 14 | UInt32(op1) << 11 | UInt32(crn) << 7 | UInt32(crm) << 3 | UInt32(op2)
    }

    public static func < (a: Self, b: Self) -> Bool { a.sortKey < b.sortKey }

    /// The generic assembler spelling, `S3_0_C9_C10_0`.
    public var description: String { "S\(op0)_\(op1)_C\(crn)_C\(crm)_\(op2)" }
}
