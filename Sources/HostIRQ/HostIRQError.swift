/// Every way an operation of HostIRQ can fail.
///
/// Cases are named after what failed; ``description`` says what was wrong and what to do instead.
public enum HostIRQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An interrupt number outside 0...1023.
    case intidOutOfRange(UInt32)
    /// An interrupt number in the special range 1020...1023, which names no interrupt.
    case intidReserved(UInt32)
    /// An SGI number outside 0...15.
    case sgiNumberOutOfRange(Int)
    /// A PPI number outside 0...15.
    case ppiNumberOutOfRange(Int)
    /// The operation needs an interrupt of one kind and was given another.
    case wrongInterruptKind(INTID, expected: InterruptKind)
    /// The operation needs a level (or edge) interrupt and the interrupt is configured otherwise.
    case wrongTrigger(INTID, expected: Trigger)
    /// An SGI was configured as level-sensitive; SGIs are always edge-triggered.
    case sgiMustBeEdge(INTID)
    /// A physical CPU index that this distributor does not have.
    case cpuOutOfRange(CPUID, cpuCount: Int)
    /// A distributor must have at least one CPU.
    case noCPUs
    /// A per-CPU operation was given an SPI; SPIs are handled through the ``Distributor``.
    case notPrivate(INTID)
    /// A second handler was registered for an interrupt on a CPU.
    case handlerAlreadyRegistered(INTID, cpu: CPUID)
    /// An SPI was used before ``Distributor/configureSPI(_:trigger:priority:target:)``.
    case spiNotConfigured(INTID)
    /// An SPI was configured twice.
    case spiAlreadyConfigured(INTID)
    /// An interrupt was re-configured (trigger) or re-routed while pending or active.
    case interruptBusy(INTID)
    /// End-of-interrupt for an interrupt that is not active on that CPU.
    case notActive(INTID, cpu: CPUID)
    /// A list register count outside 1...16.
    case listRegisterCountOutOfRange(Int)
    /// A virtual interrupt was configured twice on one VCPU.
    case duplicateVirtualInterrupt(INTID)
    /// A virtual interrupt that the VCPU's controller does not have.
    case virtualInterruptNotConfigured(INTID, vcpu: VCPUIndex)
    /// A guest end-of-interrupt for a virtual interrupt not active in a list register.
    case virtualInterruptNotActive(INTID, vcpu: VCPUIndex)
    /// A guest operation (acknowledge, end-of-interrupt) while the VCPU is not in the guest.
    case vcpuNotInGuest(VCPUIndex)
    /// A change of VCPU location that its current location does not allow.
    case vcpuTransitionNotAllowed(VCPUIndex, event: String, from: VCPULocation)

    /// What was wrong, and what to do instead.
    public var description: String {
        switch self {
        case .intidOutOfRange(let n):
            return "INTID \(n) is out of range: interrupt numbers are 0...1023 (SGI 0-15, PPI 16-31, SPI 32-1019)"
        case .intidReserved(let n):
            return "INTID \(n) is a special number (1020-1023, 1023 = spurious) and names no interrupt; use 0...1019"
        case .sgiNumberOutOfRange(let n):
            return "SGI \(n) does not exist: SGIs are numbered 0...15"
        case .ppiNumberOutOfRange(let n):
            return "PPI \(n) does not exist: PPIs are numbered 0...15 (INTID 16...31)"
        case .wrongInterruptKind(let id, let expected):
            return "\(id) is \(id.kind.article) \(id.kind), but this operation needs \(expected.article) \(expected)"
        case .wrongTrigger(let id, let expected):
            return "\(id) is not configured \(expected)-triggered; "
                + (expected == .level ? "use pulse/sendSGI for edge interrupts" : "use setLevel for level interrupts")
        case .sgiMustBeEdge(let id):
            return "\(id) cannot be level-sensitive: SGIs are always edge-triggered"
        case .cpuOutOfRange(let cpu, let count):
            return "\(cpu) does not exist: this distributor has \(count) CPU(s), numbered 0...\(count - 1)"
        case .noCPUs:
            return "a distributor needs at least one CPU"
        case .notPrivate(let id):
            return "\(id) is not an SGI or PPI of one CPU; configure SPIs and register their handlers through the Distributor"
        case .handlerAlreadyRegistered(let id, let cpu):
            return "\(id) already has a handler on \(cpu); at most one handler per interrupt per CPU"
        case .spiNotConfigured(let id):
            return "\(id) is not configured; call configureSPI first"
        case .spiAlreadyConfigured(let id):
            return "\(id) is already configured; use routeSPI to move it"
        case .interruptBusy(let id):
            return "\(id) is pending or active and cannot be re-configured or re-routed now; do it while the interrupt is idle"
        case .notActive(let id, let cpu):
            return "end-of-interrupt for \(id) on \(cpu), but it is not active there (acknowledge it first)"
        case .listRegisterCountOutOfRange(let n):
            return "\(n) list registers: a VCPU has 1...16 list registers"
        case .duplicateVirtualInterrupt(let id):
            return "virtual \(id) is configured twice; each virtual interrupt appears once"
        case .virtualInterruptNotConfigured(let id, let vcpu):
            return "\(vcpu) has no virtual \(id); add it to the VirtualInterruptConfiguration"
        case .virtualInterruptNotActive(let id, let vcpu):
            return "guest end-of-interrupt for virtual \(id) on \(vcpu), but it is not active in a list register"
        case .vcpuNotInGuest(let vcpu):
            return "\(vcpu) is not in the guest; guest acknowledge and end-of-interrupt happen only between enterGuest and exitGuest"
        case .vcpuTransitionNotAllowed(let vcpu, let event, let from):
            return "\(vcpu) cannot \(event) while \(from)"
        }
    }
}
