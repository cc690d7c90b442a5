import HostIRQ
import SPEDevice

/// A VCPU's life: created → runnable → queued → running → exited → … → blocked in WFI → runnable …
/// → stopped.
public enum Lifecycle: Hashable, Sendable {
    case created
    /// Ready to run: the host scheduler places it on a CPU.
    case runnable
    /// On its CPU's run queue, waiting for the CPU.
    case queued
    /// In the guest (entries and exits on its CPU).
    case running
    /// Out of the guest for `SliceEnd`'s reason, still holding its CPU.
    case exited(SliceEnd)
    /// In WFI, off its CPU, until a virtual interrupt is deliverable.
    case blocked
    case stopped
}

/// What a VCPU needs to live in a run: its CPUs, interrupt interface, control, the host
/// scheduler and the run's control.
public struct VCPUWorld: Sendable {
    public let platform: any Platform
    public let cpus: [PhysicalCPU]
    public let vgic: VirtualInterruptController
    public let control: VCPUControl
    /// The host scheduler's time slice, placement and the run's budget.
    public let schedule: SliceSchedule
    /// The run's runtime checker (and its mutation, if any).
    public let checker: RuntimeChecker

    public init(
        platform: any Platform, cpus: [PhysicalCPU], vgic: VirtualInterruptController, control: VCPUControl,
        schedule: SliceSchedule, checker: RuntimeChecker
    ) {
        self.checker = checker
        self.platform = platform
        self.cpus = cpus
        self.vgic = vgic
        self.control = control
        self.schedule = schedule
    }
}

extension VCPU {
    /// Lives the VCPU's life, starting on CPU `start`, until its guest powers off or the run ends;
    /// returns the guest's final state and the VCPU's `figures`, updated. Each state is a method returning
    /// the next; each runs under the executor preference of the VCPU's current CPU, so moving is a
    /// new preference, never a new executor. `waiter` is what its WFI blocks on (the run driver
    /// wakes it when the run ends).
    public func live(_ guest: GuestState, figures: VCPUFigures, world: VCPUWorld, start: Int, waiter: Waiter) async
        -> (GuestState, VCPUFigures)
    {
        var life = Lifecycle.created
        var guest = guest
        var figures = figures
        var cpu = start
        var forced = true
        let anywhere = Array(0..<world.cpus.count)
        let allowed = world.checker.mutation == .spuIgnored ? anywhere : spuCPUs ?? anywhere
        world.vgic.setWakeCallback { [platform = world.platform, control = world.control] _ in
            control.noteWake(at: platform.now())
            platform.wake(waiter)
        }
        while life != .stopped {
            life = await withTaskExecutorPreference(world.platform.taskExecutor(cpu: cpu)) {
                switch life {
                case .created: return self.created(world: world, figures: &figures)
                case .runnable: return self.runnable(world: world, cpu: &cpu, allowed: allowed, forced: &forced)
                case .queued: return await self.queued(on: world.cpus[cpu], world: world)
                case .running: return await self.running(&guest, &figures, world: world, cpu: cpu)
                case .exited(let end): return await self.exited(end, world: world, cpu: &cpu, forced: &forced, figures: &figures)
                case .blocked: return await self.blocked(&guest, &figures, world: world, waiter: waiter, cpu: &cpu, forced: &forced)
                case .stopped: return .stopped
                }
            }
        }
        world.vgic.setWakeCallback(nil)
        figures.kvm = await spe.counters
        figures.drivers = guest.workload.driverFigures
        return (guest, figures)
    }

    private func created(world: VCPUWorld, figures: inout VCPUFigures) -> Lifecycle {
        if world.checker.mutation == .workOffPlatform {
            // The broken runtime's bookkeeping: a helper thread, waited for.
            runOnHelperThread { [platform = world.platform] in (platform as? SimulatedPlatform)?.checkThread() }
        }
        figures.runnableSince = world.platform.now()
        return .runnable
    }

    /// The host scheduler places the VCPU (its preferred CPU, or a less-loaded one of its SPU); the
    /// next state runs under the chosen CPU's preference. A VCPU whose run has ended stops instead.
    private func runnable(world: VCPUWorld, cpu: inout Int, allowed: [Int], forced: inout Bool) -> Lifecycle {
        if world.schedule.run.hasEnded { return .stopped }
        cpu = world.schedule.scheduler.place(preferred: cpu, allowed: allowed, forced: forced)
        forced = false
        return .queued
    }

    /// Waits for the CPU, then loads the VCPU on it.
    private func queued(on cpu: PhysicalCPU, world: VCPUWorld) async -> Lifecycle {
        await cpu.acquire(for: id)
        do {
            try await place(on: cpu)
        } catch {
            await cpu.release(from: id)
            world.schedule.scheduler.left(cpu.index)
            return .stopped
        }
        return .running
    }

    private func running(_ guest: inout GuestState, _ figures: inout VCPUFigures, world: VCPUWorld, cpu: Int) async -> Lifecycle {
        let sliceEnd = world.platform.now() &+ world.schedule.timeSlice
        let (after, updated, end) = await world.cpus[cpu].runSlice(
            guest, figures: figures, vgic: world.vgic, control: world.control, sliceEnd: sliceEnd, schedule: world.schedule)
        guest = after
        figures = updated
        return .exited(end)
    }

    /// Leaves the CPU (put, then release), moving if asked.
    private func exited(_ end: SliceEnd, world: VCPUWorld, cpu: inout Int, forced: inout Bool, figures: inout VCPUFigures)
        async -> Lifecycle
    {
        let current = world.cpus[cpu]
        if case .moved = end, world.checker.mutation == .putSkippedOnMove {
            await leaveWithoutPut()
        } else {
            await unload()
        }
        await current.release(from: id)
        world.schedule.scheduler.left(cpu)
        figures.switches += 1
        switch end {
        case .blocked: return .blocked
        case .stopped: return .stopped
        case .preempted, .yielded:
            figures.runnableSince = world.platform.now()
            return .runnable
        case .moved(let target):
            figures.moves += 1
            cpu = target
            forced = true
            figures.runnableSince = world.platform.now()
            return .runnable
        }
    }

    /// In WFI: waits until a virtual interrupt is deliverable (injected, or the virtual timer
    /// fires), or the run ends.
    private func blocked(
        _ guest: inout GuestState, _ figures: inout VCPUFigures, world: VCPUWorld, waiter: Waiter, cpu: inout Int,
        forced: inout Bool
    ) async -> Lifecycle {
        while !world.schedule.run.hasEnded {
            guard case .blocked = (try? world.vgic.blockInWFI()) ?? .interruptPending else { break }
            figures.blocked(at: world.platform.now())
            let deadline = guest.timerLineHigh ? nil : guest.timerDeadline
            _ = await world.platform.wait(waiter, until: deadline)
            guest.syncTimer(now: world.platform.now(), vgic: world.vgic, mutation: world.checker.mutation)
            guest.checkTimerDelivered(vgic: world.vgic, checker: world.checker, vcpu: id, time: world.platform.now())
            _ = try? world.vgic.unblock()
        }
        if world.schedule.run.hasEnded { return .stopped }
        if let target = world.control.takeMove() {
            figures.moves += 1
            cpu = target
            forced = true
        }
        figures.runnableSince = world.platform.now()
        return .runnable
    }
}
