import HostIRQ
import SPEDevice

/// A VCPU's life: created → runnable → running → exited → … → blocked in WFI → runnable … → stopped.
public enum Lifecycle: Hashable, Sendable {
    case created
    /// Waiting for its CPU.
    case runnable
    /// In the guest (entries and exits on its CPU).
    case running
    /// Out of the guest for `SliceEnd`'s reason, still holding its CPU.
    case exited(SliceEnd)
    /// In WFI, off its CPU, until a virtual interrupt is deliverable.
    case blocked
    case stopped
}

/// What a VCPU needs to live in a run: its CPUs, interrupt interface, control and platform.
public struct VCPUWorld: Sendable {
    public let platform: any Platform
    public let cpus: [PhysicalCPU]
    public let vgic: VirtualInterruptController
    public let control: VCPUControl
    /// Virtual nanoseconds a VCPU may run before the host preempts it.
    public let timeSlice: UInt64
    /// The run's runtime checker (and its mutation, if any).
    public let checker: RuntimeChecker

    public init(
        platform: any Platform, cpus: [PhysicalCPU], vgic: VirtualInterruptController, control: VCPUControl,
        timeSlice: UInt64, checker: RuntimeChecker
    ) {
        self.checker = checker
        self.platform = platform
        self.cpus = cpus
        self.vgic = vgic
        self.control = control
        self.timeSlice = timeSlice
    }
}

extension VCPU {
    /// Lives the VCPU's life, starting on CPU `start`, until its guest powers off; returns the
    /// guest's final state. Each state is a method returning the next; each runs under the executor
    /// preference of the VCPU's current CPU, so moving is a new preference, never a new executor.
    public func live(_ guest: GuestState, world: VCPUWorld, start: Int) async -> GuestState {
        var life = Lifecycle.created
        var guest = guest
        var cpu = start
        let waiter = world.platform.makeWaiter()
        world.vgic.setWakeCallback { [platform = world.platform] _ in platform.wake(waiter) }
        while life != .stopped {
            life = await withTaskExecutorPreference(world.platform.taskExecutor(cpu: cpu)) {
                switch life {
                case .created: return self.created(world: world)
                case .runnable: return await self.runnable(on: world.cpus[cpu], world: world)
                case .running: return await self.running(&guest, world: world, cpu: cpu)
                case .exited(let end): return await self.exited(end, world: world, cpu: &cpu)
                case .blocked: return await self.blocked(&guest, world: world, waiter: waiter, cpu: &cpu)
                case .stopped: return .stopped
                }
            }
        }
        world.vgic.setWakeCallback(nil)
        return guest
    }

    private func created(world: VCPUWorld) -> Lifecycle {
        if world.checker.mutation == .workOffPlatform {
            // The broken runtime's bookkeeping: a helper thread, waited for.
            runOnHelperThread { [platform = world.platform] in (platform as? SimulatedPlatform)?.checkThread() }
        }
        return .runnable
    }

    /// Waits for the CPU, then loads the VCPU on it.
    private func runnable(on cpu: PhysicalCPU, world: VCPUWorld) async -> Lifecycle {
        await cpu.acquire(for: id)
        do {
            try await place(on: cpu)
        } catch {
            await cpu.release(from: id)
            return .stopped
        }
        return .running
    }

    private func running(_ guest: inout GuestState, world: VCPUWorld, cpu: Int) async -> Lifecycle {
        let sliceEnd = world.platform.now() &+ world.timeSlice
        let (after, end) = await world.cpus[cpu].runSlice(guest, vgic: world.vgic, control: world.control, sliceEnd: sliceEnd)
        guest = after
        return .exited(end)
    }

    /// Leaves the CPU (put, then release), moving if asked.
    private func exited(_ end: SliceEnd, world: VCPUWorld, cpu: inout Int) async -> Lifecycle {
        let current = world.cpus[cpu]
        if case .moved = end, world.checker.mutation == .putSkippedOnMove {
            await leaveWithoutPut()
        } else {
            await unload()
        }
        await current.release(from: id)
        switch end {
        case .blocked: return .blocked
        case .stopped: return .stopped
        case .preempted, .yielded: return .runnable
        case .moved(let target):
            cpu = target
            return .runnable
        }
    }

    /// In WFI: waits until a virtual interrupt is deliverable (injected, or the virtual timer fires).
    private func blocked(_ guest: inout GuestState, world: VCPUWorld, waiter: Waiter, cpu: inout Int) async -> Lifecycle {
        while true {
            guard case .blocked = (try? world.vgic.blockInWFI()) ?? .interruptPending else { break }
            let deadline = guest.timerLineHigh ? nil : guest.timerDeadline
            _ = await world.platform.wait(waiter, until: deadline)
            guest.syncTimer(now: world.platform.now(), vgic: world.vgic, mutation: world.checker.mutation)
            guest.checkTimerDelivered(vgic: world.vgic, checker: world.checker, vcpu: id, time: world.platform.now())
            _ = try? world.vgic.unblock()
        }
        if let target = world.control.takeMove() { cpu = target }
        return .runnable
    }
}
