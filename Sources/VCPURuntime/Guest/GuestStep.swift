import HostIRQ
import SPEDevice

/// One thing the guest does.
public enum GuestStep: Hashable, Sendable {
    /// Executes sampleable operations of its program.
    case operations(UInt64)
    /// Reads (`write == nil`) or writes a system register.
    case access(SPERegisterID, write: UInt64?)
    /// Programs its virtual timer to fire `after` nanoseconds from now (`CNTV_CVAL_EL0`: direct, no exit).
    case armTimer(after: UInt64)
    /// WFI: waits for an interrupt (an exit; the VCPU blocks until one is deliverable).
    case waitForInterrupt
    /// HVC: a hypercall (an exit).
    case hypercall
    /// Signals end-of-interrupt for `intid` (`ICC_EOIR1_EL1`, handled by the virtual interface).
    case endOfInterrupt(UInt32)
    /// The guest maps `range` in its page tables (stage 1; the VM's memory is behind it at stage 2).
    case map(Range<UInt64>)
    /// The guest's SPE driver reads the records of its buffer (from where its last enable started
    /// to `PMBPTR_EL1`): memory reads, no exit.
    case consumeBuffer
    /// The guest is done: the VCPU stops.
    case powerOff
    /// The guest hands control back to its driver (exec's script) with a hypercall, if it is in
    /// the guest; the VCPU's slice ends.
    case yieldToDriver
}

/// A guest OS in miniature: what the guest does next, and its interrupt handler. A value, so the
/// guest's whole state travels with its VCPU.
public protocol GuestWorkload: Sendable {
    /// The steps the guest does next (empty: it has nothing more to do and powers off).
    mutating func nextSteps(now: UInt64) -> [GuestStep]
    /// The guest took virtual interrupt `intid` at `now`: the steps of its handler (the model ends
    /// the interrupt itself after them unless they contain an end-of-interrupt).
    mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep]
    /// An access of the guest completed (a read's value, a write taken, or an undefined access):
    /// the steps the guest does next, before anything else it had queued.
    mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep]
    /// The guest's driver read these records from its buffer.
    mutating func consumed(_ records: [DecodedRecord])
    /// The `guest-misprogram` fault: the guest's SPE driver enables a buffer of `kind` the next time
    /// it enables its buffer. False, and nothing changes, for a guest whose driver does not profile.
    mutating func misprogram(_ kind: GuestMisprogram) -> Bool
    /// What the guest's SPE driver did so far: SPE interrupts taken, records consumed and
    /// truncated, faults reported (zero for a guest without a driver).
    var driverFigures: DriverFigures { get }
}

extension GuestWorkload {
    public mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] { [] }
    public mutating func consumed(_ records: [DecodedRecord]) {}
    public mutating func misprogram(_ kind: GuestMisprogram) -> Bool { false }
    public var driverFigures: DriverFigures { DriverFigures() }
}

/// The cyclictest-in-a-guest pattern of the arm64 KVM `arch_timer` selftest: arm the virtual timer,
/// wait for it in WFI, count each timer interrupt and re-arm, `periods` times (nil: for ever). The
/// one timer mechanism of the guest model: the `idle` workload is this, and `mixed` uses it as its
/// periodic tick.
public struct TimerWorkload: GuestWorkload, Hashable {
    public let period: UInt64
    public let periods: Int?
    /// Timer interrupts the guest took.
    public private(set) var interrupts = 0
    /// Other interrupts the guest took.
    public private(set) var otherInterrupts = 0
    private var armed = false
    private var stopped = false

    public init(period: UInt64, periods: Int? = nil) {
        self.period = period
        self.periods = periods
    }

    /// Whether the guest has taken its last timer interrupt (or was stopped).
    private var isDone: Bool { stopped || periods.map { interrupts >= $0 } ?? false }

    public mutating func nextSteps(now: UInt64) -> [GuestStep] {
        if isDone { return [] }
        if !armed {
            armed = true
            return [.armTimer(after: period), .waitForInterrupt]
        }
        return [.waitForInterrupt]
    }

    public mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
        guard intid == INTID.virtualTimer.rawValue else {
            otherInterrupts += 1
            return []
        }
        interrupts += 1
        armed = true
        // Re-arming moves the deadline, which lowers the timer's line before the end-of-interrupt.
        return isDone ? [Self.disarm] : [.armTimer(after: period)]
    }

    /// The timer stops for good: moved out of reach if it was armed (no more interrupts).
    mutating func stopSteps() -> [GuestStep] {
        guard !stopped else { return [] }
        stopped = true
        return armed ? [Self.disarm] : []
    }

    /// A deadline the run never reaches.
    private static let disarm = GuestStep.armTimer(after: UInt64.max / 2)
}
