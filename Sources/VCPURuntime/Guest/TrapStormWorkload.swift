import SPEDevice

/// A guest that makes trapped system-register accesses as fast as it can, each one an exit to KVM:
/// the cost of KVM's trap path. With SPE it cycles through reads and writes of the in-memory buffer
/// registers that never enable the buffer (``cycle(hasSPE:base:)``); without SPE, where every SPE
/// register is UNDEFINED, it reads `ID_AA64DFR0_EL1` (an ID register KVM traps and emulates, as a
/// guest probing for SPE does). It checks every value it reads back. With a bound it powers off
/// after that many accesses; without one it runs for ever.
public struct TrapStormWorkload: GuestWorkload, Hashable {
    public let hasSPE: Bool
    /// Where the buffer registers point (the buffer is never enabled, nor mapped).
    public let base: UInt64
    /// Accesses to make (nil: for ever).
    public let accesses: Int?

    /// Accesses issued, and completed as reads, writes and UNDEFINED.
    public private(set) var issued = 0
    public private(set) var reads = 0
    public private(set) var writes = 0
    public private(set) var undefined = 0
    /// Reads that did not return what the guest expects (the value it wrote, or no SPE).
    public private(set) var mismatches = 0

    /// Accesses handed out per `nextSteps`.
    static let batch = 64

    public init(hasSPE: Bool, base: UInt64, accesses: Int? = nil) {
        self.hasSPE = hasSPE
        self.base = base
        self.accesses = accesses
    }

    /// `PMBLIMITR_EL1` one page past `base`, disabled.
    private static func limit(base: UInt64) -> UInt64 {
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base >> 12) + 1
        return limit.rawValue
    }

    /// The accesses the storm repeats. With SPE: read `PMBSR_EL1`, write and read back
    /// `PMBPTR_EL1` and `PMBLIMITR_EL1` (with `E` clear), write 0 to `PMBSR_EL1`, read `PMSIDR_EL1` and
    /// `PMBIDR_EL1`: 5 reads and 3 writes, every one trapped, none an enable edge nor a DEN0154 order
    /// violation (`E` is never set). Without SPE: one read of `ID_AA64DFR0_EL1`.
    public static func cycle(hasSPE: Bool, base: UInt64) -> [GuestStep] {
        guard hasSPE else { return [.access(.ID_AA64DFR0_EL1, write: nil)] }
        return [
            .access(.PMBSR_EL1, write: nil), .access(.PMBPTR_EL1, write: base), .access(.PMBPTR_EL1, write: nil),
            .access(.PMBLIMITR_EL1, write: limit(base: base)), .access(.PMBLIMITR_EL1, write: nil),
            .access(.PMBSR_EL1, write: 0), .access(.PMSIDR_EL1, write: nil), .access(.PMBIDR_EL1, write: nil),
        ]
    }

    public mutating func nextSteps(now: UInt64) -> [GuestStep] {
        let count = min(Self.batch, accesses.map { $0 - issued } ?? Self.batch)
        guard count > 0 else { return [] }
        let cycle = Self.cycle(hasSPE: hasSPE, base: base)
        let steps = (issued..<(issued + count)).map { cycle[$0 % cycle.count] }
        issued += count
        return steps
    }

    public mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] { [] }

    public mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
        switch result {
        case .read(let value):
            reads += 1
            if let expected = expectedRead(register), value != expected { mismatches += 1 }
        case .wrote: writes += 1
        case .undefined: undefined += 1
        case .ran: break
        }
        return []
    }

    /// What a read of `register` must return, where the guest knows it: the buffer registers hold
    /// what it wrote (every read follows its write in the cycle, or reads the reset 0), and without
    /// SPE `ID_AA64DFR0_EL1` shows no SPE.
    private func expectedRead(_ register: SPERegisterID) -> UInt64? {
        switch register {
        case .PMBSR_EL1: 0
        case .PMBPTR_EL1: base
        case .PMBLIMITR_EL1: Self.limit(base: base)
        case .ID_AA64DFR0_EL1 where !hasSPE: ID_AA64DFR0_EL1(rawValue: 0).with(PMSVer: .notImplemented).rawValue
        default: nil
        }
    }
}
