import HostIRQ
import SPEDevice

/// What the hardware reports when a guest exits: an exception syndrome (`ESR_EL2`) for a
/// synchronous exit, or the INTID of the physical interrupt for an IRQ exit.
public enum ExitSyndrome: Hashable, Sendable {
    /// A synchronous exception to EL2 with its `ESR_EL2` value.
    case synchronous(esr: UInt64)
    /// A physical interrupt.
    case irq(INTID)
    /// Not an exception: KVM leaves the run loop for the VMM (the locked-memory limit).
    case userspace

    /// `ESR_EL2.EC` values the model produces.
    public enum ExceptionClass: UInt64, Sendable {
        case wfx = 0x01
        case hvc64 = 0x16
        case sysreg = 0x18
    }


    /// `ESR_EL2` for a trapped `MRS`/`MSR` of `encoding` with register `rt`: EC 0x18, IL 1, ISS =
    /// Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1 = read).
    public static func trappedAccess(_ encoding: SystemRegisterEncoding, read: Bool, rt: UInt64 = 0) -> ExitSyndrome {
        var iss: UInt64 = UInt64(encoding.op0) << 20 | UInt64(encoding.op2) << 17 | UInt64(encoding.op1) << 14
        iss |= UInt64(encoding.crn) << 10 | (rt & 0x1F) << 5 | UInt64(encoding.crm) << 1 | (read ? 1 : 0)
        return .synchronous(esr: ExceptionClass.sysreg.rawValue << 26 | 1 << 25 | iss)
    }

    /// `ESR_EL2` for a trapped WFI.
    public static let waitForInterrupt = ExitSyndrome.synchronous(esr: ExceptionClass.wfx.rawValue << 26 | 1 << 25)

    /// `ESR_EL2` for `HVC #imm`.
    public static func hypercall(_ immediate: UInt16 = 0) -> ExitSyndrome {
        .synchronous(esr: ExceptionClass.hvc64.rawValue << 26 | 1 << 25 | UInt64(immediate))
    }
}

/// An exit, decoded.
public enum DecodedExit: Hashable, Sendable {
    /// A trapped access to `encoding`: a read, or a write.
    case sysreg(SystemRegisterEncoding, read: Bool)
    case wfi
    case hypercall(UInt16)
    case maintenance
    case preemption
    case irq(INTID)
    case lockedMemory
    /// A syndrome the model does not produce.
    case unknown(UInt64)

    /// The exit's reason, for counting and dispatch.
    public var reason: ExitReason? {
        switch self {
        case .sysreg: .sysreg
        case .wfi: .wfi
        case .hypercall: .hypercall
        case .maintenance: .maintenance
        case .preemption: .preemption
        case .irq: .irq
        case .lockedMemory: .lockedMemory
        case .unknown: nil
        }
    }

    /// Decodes a syndrome: a pure function of it.
    public static func decode(_ syndrome: ExitSyndrome) -> DecodedExit {
        switch syndrome {
        case .userspace:
            return .lockedMemory
        case .irq(let intid):
            switch intid {
            case .maintenance: return .maintenance
            case .hypervisorTimer: return .preemption  // the host's tick ends the slice
            default: return .irq(intid)
            }
        case .synchronous(let esr):
            let iss = esr & 0x1FF_FFFF
            switch ExitSyndrome.ExceptionClass(rawValue: (esr >> 26) & 0x3F) {
            case .sysreg:
                let encoding = SystemRegisterEncoding(
                    UInt8((iss >> 20) & 3), UInt8((iss >> 14) & 7), UInt8((iss >> 10) & 0xF), UInt8((iss >> 1) & 0xF),
                    UInt8((iss >> 17) & 7))
                return .sysreg(encoding, read: iss & 1 == 1)
            case .wfx: return .wfi
            case .hvc64: return .hypercall(UInt16(iss & 0xFFFF))
            case nil: return .unknown(esr)
            }
        }
    }
}
