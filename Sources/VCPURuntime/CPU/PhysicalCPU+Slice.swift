import HostIRQ
import SPEDevice

/// How a VCPU's time on a CPU ended.
public enum SliceEnd: Hashable, Sendable {
    /// The guest waits for an interrupt: the VCPU blocks and gives the CPU up.
    case blocked
    /// The guest powered off.
    case stopped
    /// The time slice ended.
    case preempted
    /// The host moves the VCPU to another CPU.
    case moved(to: Int)
    /// The guest handed control back to its driver (exec's script).
    case yielded
}

/// What the host scheduler gives a slice: the time slice, the scheduler (to see whether another
/// VCPU waits for the CPU) and the run's control (its budget and end).
public struct SliceSchedule: Sendable {
    public let timeSlice: UInt64
    public let scheduler: HostScheduler
    public let run: RunControl

    public init(timeSlice: UInt64, scheduler: HostScheduler, run: RunControl) {
        self.timeSlice = timeSlice
        self.scheduler = scheduler
        self.run = run
    }
}

/// What KVM does with an exit, by reason: the dispatch table's entries.
enum ExitAction: Sendable {
    /// Emulate the trapped register access, then re-enter.
    case emulateAccess
    /// The host took its interrupts; re-enter unless the slice is over.
    case hostInterrupt
    /// The guest waits for an interrupt.
    case block
    /// A hypercall: the guest powers off, or continues.
    case hypercall
    /// Re-evaluate virtual interrupt levels (a level interrupt without hardware link was ended).
    case reevaluateLevels
    /// The host's timer ended the slice.
    case endSlice
    /// The VMM must act (locked memory); the model's VMM raises the limit.
    case vmm
}

extension PhysicalCPU {
    /// The dispatch table: exit reason → what KVM does (a switch, so every reason has an entry).
    static func exitAction(_ reason: ExitReason) -> ExitAction {
        switch reason {
        case .sysreg: .emulateAccess
        case .irq: .hostInterrupt
        case .wfi: .block
        case .hypercall: .hypercall
        case .maintenance: .reevaluateLevels
        case .preemption: .endSlice
        case .lockedMemory: .vmm
        }
    }

    /// Runs the loaded VCPU's guest until it blocks, powers off, its slice ends at `sliceEnd` with
    /// another VCPU or job waiting for the CPU, a move is requested, or the run ends: entries and exits,
    /// each exit decoded and dispatched by ``exitAction(_:)``. A slice that ends with nobody waiting
    /// goes on for another `timeSlice` (the host's tick is still an exit). `figures` are the VCPU's,
    /// updated and handed back: entries, exits, time in the guest, the latencies of
    /// ``LatencyKind`` that start or end here, and profiling blackout.
    public func runSlice(
        _ incoming: GuestState, figures incomingFigures: VCPUFigures, vgic: VirtualInterruptController, control: VCPUControl,
        sliceEnd initialSliceEnd: UInt64, schedule: SliceSchedule? = nil
    ) async -> (GuestState, VCPUFigures, SliceEnd) {
        guard var vcpu = context, let environment else { preconditionFailure("cpu\(index) holds no VCPU") }
        var figures = incomingFigures
        var sliceEnd = initialSliceEnd
        context = nil
        let previous = lastInterface
        lastInterface = vgic
        // The broken runtime sets the SPE line of whichever VCPU ran here before.
        let speTarget = checker.mutation == .virqToWrongVCPU ? (previous ?? vgic) : vgic
        var guest = incoming
        var end: SliceEnd?
        // The last exit of this slice until the next entry, and the SPE world switch's time since.
        var exitedAt: UInt64?
        var speWork: UInt64 = 0
        while end == nil {
            // A guest out of the guest that yields needs no entry (and no exit) to do it.
            if guest.queue.first == .yieldToDriver {
                _ = guest.queue.popFirst()
                end = .yielded
                break
            }
            guest.syncTimer(now: platform.now(), vgic: vgic, mutation: checker.mutation)
            applyRequests(control, &vcpu, &guest)
            let syndrome: ExitSyndrome
            let entering = platform.now()
            switch device.enter(&vcpu, env: environment) {
            case .lockedMemoryLimit:
                syndrome = .userspace
                speWork &+= platform.now() &- entering
            case .entered:
                let entry = platform.now()
                figures.woken(at: control.takeWake())
                figures.entered(at: entry)
                if let exitedAt {
                    figures.exitHandled(exitedAt: exitedAt, enteredAt: entry, spe: speWork &+ (entry &- entering))
                }
                _ = try? vgic.enterGuest(on: CPUID(index))
                let managementEvents = device.unit.counters.managementEvents
                syndrome = await runGuest(&vcpu, &guest, &figures, vgic: vgic, environment: environment, sliceEnd: sliceEnd)
                let exitTime = platform.now()
                device.exit(&vcpu, env: environment, now: exitTime)
                let switched = platform.now()
                // A management event the exit's drain raised happened at the exit.
                if device.unit.counters.managementEvents > managementEvents { figures.speManagementEvent(at: exitTime) }
                noteKick(&figures, exitedAt: exitTime)
                trace?.guestRun(vcpu.id, from: entry, to: exitTime, syndrome: syndrome, eventsAtEntry: managementEvents,
                    eventsAtExit: device.unit.counters.managementEvents)
                _ = try? vgic.exitGuest()
                figures.runtime += platform.now() - entry
                exitedAt = exitTime
                speWork = switched &- exitTime
            }
            let exit = DecodedExit.decode(syndrome)
            exits.count(exit.reason ?? .irq)
            figures.exits.count(exit.reason ?? .irq)
            schedule?.run.countExit()
            syncLine(afterExit: true)
            takeInterrupts()
            end = dispatch(exit, &vcpu, &guest, environment: environment, sliceEnd: sliceEnd)
            if case .sysreg(let encoding, read: true) = exit, encoding == SPERegisterID.PMBSR_EL1.encoding,
                vcpu.spe.memory.PMBSR.S
            {
                figures.speSyndromeSeen()
            }
            syncSPELine(vcpu, vgic: speTarget)
            checkDelivery(vcpu, guest, vgic: vgic)
            figures.bufferStopped(vcpu.spe.memory.PMBSR.S, at: platform.now())
            device.runHost(hostOperationsPerExit, now: platform.now())
            trace?.noteManagementEvents(total: device.unit.counters.managementEvents, at: platform.now())
            syncLine()
            if !device.checker.violations.isEmpty { checker.requestStop() }
            let busy = platform.now()
            await platform.busy(on: index, until: platform.now() + exitNanoseconds)
            speWork &+= attributedSPEWork(busy: platform.now() &- busy, hasSPE: environment.vm.hasSPE)
            if end == .preempted, let schedule, !schedule.scheduler.hasWaiters(cpu: index), !platform.hasQueuedJobs(cpu: index) {
                // Nobody waits for the CPU (no VCPU, no other job): the VCPU keeps it for another slice.
                sliceEnd = platform.now() &+ schedule.timeSlice
                end = nil
            }
            if end == nil, platform.now() >= sliceEnd { end = .preempted }
            if end == nil, let target = control.takeMove() { end = .moved(to: target) }
            if end == nil, schedule?.run.hasEnded == true { end = .stopped }
        }
        context = vcpu
        return (guest, figures, end!)
    }

    /// A kick pending at an exit at `time`: it became deliverable when the CPU last went from
    /// nothing deliverable to something (its wake callback), and the VCPU has now exited.
    private func noteKick(_ figures: inout VCPUFigures, exitedAt time: UInt64) {
        guard interface.hasDeliverableInterrupt, (try? interface.state(of: .kick))?.isReadyToAcknowledge == true,
            let sent = deliverableSince.value
        else { return }
        figures.kicked(sent: sent, exitedAt: time)
    }

    /// The share of `busy` nanoseconds of exit handling that stands for SPE's world switch
    /// (``speWorldSwitchNanoseconds`` of ``exitNanoseconds``). The live platform's exit handling
    /// takes no platform time here (its work already ran, measured), so this is 0 there.
    private func attributedSPEWork(busy: UInt64, hasSPE: Bool) -> UInt64 {
        guard hasSPE, exitNanoseconds > 0 else { return 0 }
        return busy.multipliedFullWidth(by: Self.speWorldSwitchNanoseconds).low / exitNanoseconds
    }

    private func dispatch(
        _ exit: DecodedExit, _ vcpu: inout VCPUSPEContext, _ guest: inout GuestState, environment: KVMEnvironment,
        sliceEnd: UInt64
    ) -> SliceEnd? {
        guard let reason = exit.reason else { return nil }
        let action = Self.exitAction(reason)
        switch action {
        case .emulateAccess:
            guard case .sysreg(let encoding, _) = exit, let access = guest.pendingAccess,
                let register = RegisterTable.entry(encoding: encoding)
            else { return nil }
            guest.pendingAccess = nil
            let outcome = device.handleTrap(register, write: access.value, vcpu: &vcpu, env: environment)
            let result: GuestActionResult
            switch outcome {
            case .read(let value): result = .read(value)
            case .written: result = .wrote
            case .undefined: result = .undefined
            case .lockedMemoryLimit(let needed):
                // The write is in memory; the VMM raises the limit and the pin happens at the next entry.
                environment.vm.lockedMemory.raiseLimit(toFit: needed)
                result = .wrote
            }
            guest.queue.pushFront(guest.workload.completed(register, result))
        case .vmm:
            if let pages = vcpu.spe.pinPending { environment.vm.lockedMemory.raiseLimit(toFit: pages.upperBound - pages.lowerBound) }
        case .block:
            return .blocked
        case .hypercall:
            if guest.poweredOff { return .stopped }
            if exit == .hypercall(Self.yieldCall) { return .yielded }
        case .reevaluateLevels, .hostInterrupt:
            break
        case .endSlice:
            return .preempted
        }
        return platform.now() >= sliceEnd ? .preempted : nil
    }

    /// **Model decision:** the most steps a guest runs in one entry before the host's tick ends it.
    static let stepsPerEntryLimit = 100_000

    /// The immediate of the hypercall a guest yields to its driver with.
    static let yieldCall: UInt16 = 0x5C1E

    /// The guest runs its steps until one exits. Returns the exit's syndrome. Only operations
    /// await (a guest period): the other steps run in ``guestSteps(_:_:_:vgic:environment:steps:)``,
    /// and this loop is inlined into the slice, since an async call of its own cost an executor hop
    /// on every exit.
    @inline(__always)
    private func runGuest(
        _ vcpu: inout VCPUSPEContext, _ guest: inout GuestState, _ figures: inout VCPUFigures,
        vgic: VirtualInterruptController, environment: KVMEnvironment, sliceEnd: UInt64
    ) async -> ExitSyndrome {
        var steps = 0
        while true {
            switch guestSteps(&vcpu, &guest, &figures, vgic: vgic, environment: environment, steps: &steps) {
            case .exit(let syndrome):
                return syndrome
            case .operations(let count):
                if let syndrome = await runOperations(count, &vcpu, &guest, &figures, sliceEnd: sliceEnd) { return syndrome }
            }
        }
    }

    /// Where the guest's steps stopped: at an exit, or at operations to run in a guest period.
    private enum GuestStop {
        case exit(ExitSyndrome)
        case operations(UInt64)
    }

    /// The guest runs its steps other than operations until one exits or operations come;
    /// `steps` counts them over the whole entry.
    private func guestSteps(
        _ vcpu: inout VCPUSPEContext, _ guest: inout GuestState, _ figures: inout VCPUFigures,
        vgic: VirtualInterruptController, environment: KVMEnvironment, steps: inout Int
    ) -> GuestStop {
        while true {
            // Steps other than operations take no model time: a guest that does nothing else for
            // this long is ended by the host's tick, so a misbehaving guest cannot hang its CPU.
            steps += 1
            if steps > Self.stepsPerEntryLimit { return .exit(.irq(.hypervisorTimer)) }
            deliverInterrupt(&guest, &figures, vgic: vgic)
            switch guest.nextStep(now: platform.now()) {
            case .operations(let count):
                return .operations(count)
            case .access(let register, let value):
                switch AccessRoute.of(register, vmHasSPE: environment.vm.hasSPE) {
                case .direct:
                    let read = device.guestDirectAccess(register, write: value, vcpu: &vcpu)
                    guest.queue.pushFront(guest.workload.completed(register, read.map { .read($0) } ?? .wrote))
                case .undefined:
                    guest.queue.pushFront(guest.workload.completed(register, .undefined))
                case .trapped:
                    guest.pendingAccess = (register, value)
                    return .exit(.trappedAccess(register.encoding, read: value == nil))
                }
            case .armTimer(let after):
                let now = platform.now()
                guest.timerDeadline = now &+ after < now ? .max : now + after
                guest.syncTimer(now: platform.now(), vgic: vgic, mutation: checker.mutation)
            case .waitForInterrupt:
                // WFI traps unless an interrupt can wake it: for a guest taking interrupts, one it
                // could take now was taken just above, so WFI always traps here (KVM then sees a
                // pending interrupt not yet in a list register and re-enters at once); a masked
                // guest's WFI completes on any pending interrupt.
                if !guest.interruptsMasked || !vgic.hasPendingInterrupt { return .exit(.waitForInterrupt) }
            case .hypercall:
                return .exit(.hypercall())
            case .endOfInterrupt(let raw):
                if let intid = try? INTID(raw), let result = try? vgic.guestEndOfInterrupt(intid),
                    result.maintenanceExitRequested
                {
                    return .exit(.irq(.maintenance))
                }
            case .map(let range):
                vcpu.memory.map(range)
            case .consumeBuffer:
                if let extent = vcpu.spe.recordExtent,
                    case .success(let records) = device.consumeGuestBuffer(&vcpu, from: extent.lowerBound, to: extent.upperBound)
                {
                    guest.workload.consumed(records)
                }
            case .powerOff:
                guest.poweredOff = true
                return .exit(.hypercall())
            case .yieldToDriver:
                return .exit(.hypercall(Self.yieldCall))
            }
        }
    }

    /// Sampleable operations in one guest period, until they are done, `PMBIRQ` rises, the virtual
    /// timer fires, the slice ends, or another CPU interrupts this one. The unit runs ahead to find
    /// `PMBIRQ`; when the period ends earlier, the device and the context are restored and exactly the
    /// operations that fit are run again. Returns the exit's syndrome, or nil if the guest goes on.
    private func runOperations(
        _ count: UInt64, _ vcpu: inout VCPUSPEContext, _ guest: inout GuestState, _ figures: inout VCPUFigures,
        sliceEnd: UInt64
    ) async -> ExitSyndrome? {
        let start = platform.now()
        let timer = guest.timerLineHigh ? UInt64.max : (guest.timerDeadline ?? .max)
        let limit = min(sliceEnd, timer)
        guard limit > start else {
            guest.queue.pushFront([.operations(count)])
            return .irq(limit == timer ? .virtualTimer : .hypervisorTimer)
        }
        let planned = min(count, (limit - start) / nanosecondsPerOperation)
        let savedDevice = device
        let savedContext = vcpu
        var ran = device.runGuest(planned, of: guest.program, from: guest.position, at: guest.exceptionLevel, vcpu: &vcpu, now: start)
        let late = cutBeforeLateEvent(&ran, savedDevice: savedDevice, savedContext: savedContext, &vcpu, guest: guest, start: start)
        let natural = start + ran * nanosecondsPerOperation
        let ended = await platform.guestPeriod(on: index, until: natural)
        if ended < natural {
            device = savedDevice
            vcpu = savedContext
            ran = device.runGuest((ended - start) / nanosecondsPerOperation, of: guest.program, from: guest.position,
                at: guest.exceptionLevel, vcpu: &vcpu, now: start)
        } else if late {
            lateEventArrives()
        }
        guest.position &+= ran
        if ran < count { guest.queue.pushFront([.operations(count - ran)]) }
        syncLine()
        let now = platform.now()
        if device.unit.pmbirq {
            // The operation that raised `S` was the last to run.
            figures.speManagementEvent(at: start + ran * nanosecondsPerOperation)
            trace?.noteManagementEvents(total: device.unit.counters.managementEvents, at: start + ran * nanosecondsPerOperation)
            return .irq(.spePMBIRQ)
        }
        if interface.hasDeliverableInterrupt { return .irq(.kick) }
        if now >= timer { return .irq(.virtualTimer) }
        if now >= sliceEnd { return .irq(.hypervisorTimer) }
        return nil
    }

    /// The guest takes a pending virtual interrupt (its interrupts are unmasked outside handlers):
    /// its handler's steps, then the end-of-interrupt, run before what it was doing.
    private func deliverInterrupt(_ guest: inout GuestState, _ figures: inout VCPUFigures, vgic: VirtualInterruptController) {
        guard !guest.interruptsMasked, vgic.hasPendingInterrupt, let (intid, injectedAt) = try? vgic.guestAcknowledgeReportingInjection(),
            intid != .spurious
        else { return }
        guest.interruptsTaken[intid.rawValue, default: 0] += 1
        let now = platform.now()
        trace?.record(.virtualInterrupt(figures.id, intid, raisedAt: injectedAt), at: now)
        if intid == .virtualTimer, let deadline = guest.timerDeadline, now >= deadline {
            figures.timerHandled(deadline: deadline, at: now)
        }
        let handler = guest.workload.handle(interrupt: intid.rawValue, now: now)
        guest.queue.pushFront(handler + [.endOfInterrupt(intid.rawValue)])
    }


    /// `virq-delivered-to-owner` and `no-lost-virtual-interrupt` after an exit: the exiting VCPU's
    /// interface has its SPE line at KVM's level, and a fired timer's line is up.
    private func checkDelivery(_ vcpu: VCPUSPEContext, _ guest: GuestState, vgic: VirtualInterruptController) {
        if let irq = vcpu.spe.irq, let intid = try? INTID(irq), let level = try? vgic.level(of: intid),
            level != vcpu.spe.virtualLine
        {
            checker.report(.virqDeliveredToOwner, cpu: index, vcpu: vcpu.id, time: platform.now(),
                "KVM's SPE line is \(vcpu.spe.virtualLine ? 1 : 0) but the VCPU's virtual interface has it \(level ? 1 : 0)")
        }
        guest.checkTimerDelivered(vgic: vgic, checker: checker, vcpu: vcpu.id, time: platform.now())
    }

    /// The SPE virtual line in the virtual interface follows KVM's level for the VCPU.
    func syncSPELine(_ vcpu: VCPUSPEContext, vgic: VirtualInterruptController) {
        guard let irq = vcpu.spe.irq, let intid = try? INTID(irq) else { return }
        if (try? vgic.level(of: intid)) != vcpu.spe.virtualLine {
            _ = try? vgic.setLevel(intid, high: vcpu.spe.virtualLine)
        }
    }
}
