/// A fault a run can inject (`--faults`), each at its own rate: the disturbances a stress campaign
/// throws at the SPE virtualization design.
public enum FaultKind: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Move a VCPU to another CPU at a random moment.
    case migrate
    /// The host's SPE session starts or stops on a CPU.
    case hostPerf = "host-perf"
    /// The VMM removes guest memory under a buffer (the model's external-abort path).
    case stage2Unmap = "stage2-unmap"
    /// The VM's locked-memory limit tightens.
    case memlock
    /// The interrupt controller sees the lowering of `PMBIRQ` late: the host acknowledges an
    /// interrupt whose source the exit path has already cleared.
    case spuriousIRQ = "spurious-irq"
    /// Bursts of virtual interrupts.
    case kickStorm = "kick-storm"
    /// The in-flight sample completes during the exit's drain and fills the buffer there.
    case lateIRQ = "late-irq"
    /// The guest enables a misaligned, oversized or unmapped buffer.
    case guestMisprogram = "guest-misprogram"

    public var description: String { rawValue }

    /// What the fault does, for `--help` and listings.
    public var summary: String {
        switch self {
        case .migrate: "move a VCPU to another CPU at a random moment"
        case .hostPerf: "start or stop the host's SPE session on a CPU"
        case .stage2Unmap: "the VMM removes guest memory under a buffer (external abort)"
        case .memlock: "the VM's locked-memory limit tightens"
        case .spuriousIRQ: "the host acknowledges a PMBIRQ whose source the exit already cleared"
        case .kickStorm: "a burst of virtual interrupts"
        case .lateIRQ: "the in-flight sample completes during the exit's drain and fills the buffer"
        case .guestMisprogram: "the guest enables a misaligned, oversized or unmapped buffer"
        }
    }
}
