/// Everything that can fail in SPEDevice, one case per thing that failed, each with a message that
/// says what was wrong and what is allowed.
public enum SPEDeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A profiling buffer's bytes do not decode as SPE packets.
    case malformedRecord(offset: Int, reason: String)
    /// The SPE interrupt attribute named an INTID that is not a PPI.
    case irqNotPPI(UInt32)
    /// The SPE interrupt attribute names a PPI another device of the VCPU uses.
    case irqInUse(UInt32)
    /// The SPE interrupt attribute differs from the one another VCPU of the VM set.
    case irqDiffersFromVM(requested: UInt32, vm: UInt32)
    /// The SPU attribute named no CPU.
    case spuEmpty
    /// The SPU attribute named a CPU that has no SPE unit (or does not exist).
    case spuCPUHasNoSPE(cpu: Int, cpuCount: Int)
    /// The maximum buffer size cannot be shown in `PMBIDR_EL1.MaxBuffSize`.
    case maxBufferSizeNotRepresentable(UInt64)
    /// INIT came before the interrupt attribute was set.
    case irqNotSet
    /// INIT came before the SPU attribute was set.
    case spuNotSet
    /// INIT ran a second time, or an attribute was set after INIT.
    case alreadyInitialized(attribute: String)
    /// The VCPU tried to run before INIT.
    case notInitialized(VCPUID)
    /// An SPE attribute was set on a VCPU of a VM without SPE.
    case vmHasNoSPE(VCPUID)
    /// A VCPU was loaded on a CPU outside its SPU.
    case cpuOutsideSPU(cpu: Int, spu: [Int])
    /// A register name the model does not know.
    case unknownRegister(String)
    /// A feature name `PMSIDR_EL1` does not have.
    case unknownFeature(String)
    /// A mutation name the model does not know.
    case unknownMutation(String)

    public var description: String {
        switch self {
        case .malformedRecord(let offset, let reason):
            return "malformed SPE record data at byte offset \(offset): \(reason)"
        case .irqNotPPI(let intid):
            return "SPE interrupt \(intid) is not a PPI: the SPE interrupt must be a PPI, INTID 16 to 31"
        case .irqInUse(let intid):
            return "SPE interrupt \(intid) is in use by another device of the VCPU (25 maintenance, 26 hypervisor "
                + "timer, 27 virtual timer): choose another PPI from 16 to 31"
        case .irqDiffersFromVM(let requested, let vm):
            return "SPE interrupt \(requested) differs from the VM's \(vm): every VCPU of a VM uses the same PPI"
        case .spuEmpty:
            return "the SPU attribute names no CPU: give at least one physical CPU with an SPE unit"
        case .spuCPUHasNoSPE(let cpu, let count):
            return "the SPU attribute names CPU \(cpu), which has no SPE unit (CPUs are 0 to \(count - 1))"
        case .maxBufferSizeNotRepresentable(let bytes):
            return "maximum buffer size \(bytes) cannot be shown in PMBIDR_EL1.MaxBuffSize: use 0 (no limit), "
                + "a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes with M 0-511, E 1-31"
        case .irqNotSet:
            return "SPE INIT before the interrupt attribute was set: set the SPE PPI first"
        case .spuNotSet:
            return "SPE INIT before the SPU attribute was set: select the CPUs with the SPE unit first"
        case .alreadyInitialized(let attribute):
            return "SPE is already initialized: \(attribute) is refused after INIT (INIT runs once)"
        case .notInitialized(let vcpu):
            return "\(vcpu) has SPE but was not initialized: run SPE INIT before running the VCPU"
        case .vmHasNoSPE(let vcpu):
            return "\(vcpu) belongs to a VM without SPE: SPE attributes are refused"
        case .cpuOutsideSPU(let cpu, let spu):
            return "CPU \(cpu) is not in the VCPU's SPU \(spu): the VCPU may only run on those CPUs"
        case .unknownRegister(let name):
            let known = SPERegisterID.allCases.map(\.name).joined(separator: ", ")
            return "unknown register '\(name)': known registers are \(known)"
        case .unknownFeature(let name):
            return "unknown PMSIDR_EL1 feature '\(name)': features are \(PMSIDRFeature.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownMutation(let name):
            return "unknown mutation '\(name)': run 'spe-vm mutations' for the list"
        }
    }
}
