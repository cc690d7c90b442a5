import HostIRQ
import SPEDevice
import Synchronization

/// Everything of a guest that is not architectural SPE state: its workload, the steps it is in the
/// middle of, its program position and its virtual timer. A value carried by its VCPU and handed to
/// the CPU it runs on for each slice.
public struct GuestState: Sendable {
    public var workload: any GuestWorkload
    /// The steps under way (a handler's steps come first).
    var queue = StepQueue()
    /// The guest's program of sampleable operations, its position and Exception level.
    public let program: SyntheticProgram
    public var position: UInt64 = 0
    public let exceptionLevel: UInt8
    /// `CNTV_CVAL_EL0` while the timer is armed.
    public var timerDeadline: UInt64?
    /// Whether KVM has the timer's virtual line high.
    var timerLineHigh = false
    /// A trapped access the guest made, waiting for KVM.
    var pendingAccess: (register: SPERegisterID, value: UInt64?)?
    /// The guest powered off.
    public var poweredOff = false
    /// Whether the guest runs with its interrupts masked (exec's guest: its script is its driver).
    public var interruptsMasked = false
    /// Interrupts the guest took, by INTID.
    public var interruptsTaken: [UInt32: Int] = [:]

    public init(workload: any GuestWorkload, program: SyntheticProgram, exceptionLevel: UInt8 = 0) {
        self.workload = workload
        self.program = program
        self.exceptionLevel = exceptionLevel
    }

    /// The virtual timer's line follows its condition (armed deadline reached), as a hardware-linked
    /// level interrupt.
    mutating func syncTimer(now: UInt64, vgic: VirtualInterruptController, mutation: RuntimeMutation? = nil) {
        let high = timerDeadline.map { now >= $0 } ?? false
        guard high != timerLineHigh else { return }
        timerLineHigh = high
        if high && mutation == .timerLineNotRaised { return }
        _ = try? vgic.setLevel(.virtualTimer, high: high, hwLinked: true)
    }

    /// `no-lost-virtual-interrupt`: a timer that fired has its line raised in the interface.
    func checkTimerDelivered(vgic: VirtualInterruptController, checker: RuntimeChecker, vcpu: VCPUID, time: UInt64) {
        guard timerLineHigh, (try? vgic.level(of: .virtualTimer)) == false else { return }
        checker.report(.noLostVirtualInterrupt, cpu: nil, vcpu: vcpu, time: time,
            "the virtual timer fired at \(timerDeadline ?? 0) but its line is low in the virtual interface")
    }

    /// The next step, asking the workload when the queue is empty.
    mutating func nextStep(now: UInt64) -> GuestStep {
        if queue.isEmpty { queue = StepQueue(workload.nextSteps(now: now)) }
        return queue.popFirst() ?? .powerOff
    }
}

/// Requests to a VCPU from outside (the migrator), read by the CPU it runs on at each exit, and
/// the time of the last wake its virtual interrupt controller gave it (the start of a `wakeup`
/// latency).
public final class VCPUControl: Sendable {
    /// What the fault injector asks of the VCPU (``VCPURequest``), carried out before its next entry.
    let requests = VCPURequestQueue()
    private let target = Atomic<Int>(-1)
    private let wake = Atomic<UInt64>(.max)

    public init() {}

    /// Asks the VCPU to move to `cpu` at its next exit.
    public func requestMove(to cpu: Int) { target.store(cpu, ordering: .relaxed) }

    /// The CPU a move was requested to, taking the request.
    public func takeMove() -> Int? {
        let cpu = target.exchange(-1, ordering: .relaxed)
        return cpu < 0 ? nil : cpu
    }

    /// A virtual interrupt woke the VCPU from WFI at platform time `time` (its controller's wake
    /// callback, on the injecting thread).
    public func noteWake(at time: UInt64) { wake.store(time, ordering: .releasing) }

    /// The time of the last wake, taking it (nil: none since the last take).
    public func takeWake() -> UInt64? {
        let time = wake.exchange(.max, ordering: .acquiringAndReleasing)
        return time == .max ? nil : time
    }
}

/// The guest's steps in order, with the first taken and steps put in front in O(1): kept reversed,
/// so the front is the array's end. (A script batch can be a long queue.)
struct StepQueue: Sendable {
    private var reversed: [GuestStep] = []

    init() {}
    init(_ steps: [GuestStep]) { reversed = steps.reversed() }

    var isEmpty: Bool { reversed.isEmpty }
    var first: GuestStep? { reversed.last }

    mutating func popFirst() -> GuestStep? { reversed.popLast() }

    /// Puts `steps` in front, in their order.
    mutating func pushFront(_ steps: [GuestStep]) { reversed.append(contentsOf: steps.reversed()) }
}
