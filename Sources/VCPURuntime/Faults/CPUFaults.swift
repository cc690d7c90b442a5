import Synchronization

/// Faults armed on one physical CPU: the injector arms one from a housekeeping tick (an atomic
/// store), and the CPU takes it itself, on its own executor, at the moment it waits for (the next
/// exit that lowers `PMBIRQ`, the next guest period whose run-ahead raised `PMBIRQ` from a sample in
/// flight). Arming an armed fault again changes nothing; a fault counts in the ledger when taken.
public final class CPUFaults: Sendable {
    /// Where taken faults are counted.
    public let ledger: FaultLedger
    /// One bit per armed kind (``bit(_:)``).
    private let armed = Atomic<UInt8>(0)

    /// Faults counted in `ledger`, none armed.
    public init(ledger: FaultLedger = FaultLedger()) { self.ledger = ledger }

    /// Arms `kind` (`spurious-irq` or `late-irq`, the faults a CPU takes itself).
    public func arm(_ kind: FaultKind) { armed.bitwiseOr(Self.bit(kind), ordering: .relaxed) }

    /// Whether `kind` is armed.
    func isArmed(_ kind: FaultKind) -> Bool { armed.load(ordering: .relaxed) & Self.bit(kind) != 0 }

    /// Takes `kind` if it is armed, counting it: true if it was.
    func take(_ kind: FaultKind) -> Bool {
        let bit = Self.bit(kind)
        guard armed.bitwiseAnd(~bit, ordering: .relaxed).oldValue & bit != 0 else { return false }
        ledger.count(kind)
        return true
    }

    private static func bit(_ kind: FaultKind) -> UInt8 {
        switch kind {
        case .spuriousIRQ: 1
        case .lateIRQ: 2
        default: preconditionFailure("\(kind) is not armed on a CPU")
        }
    }
}
