#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import HostIRQ
import Synchronization
import Testing

@testable import VCPURuntime

/// An actor bound to one live CPU. It counts its calls in actor state (a call run concurrently
/// with another would lose an update) and notes every call that ran off its CPU's thread.
actor LiveBound {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    nonisolated let platform: LivePlatform
    nonisolated let cpu: Int
    /// The actor's count, published for reading after the run.
    nonisolated let calls = Atomic<Int>(0)
    nonisolated let misplaced = Atomic<Int>(0)
    private var count = 0

    init(_ platform: LivePlatform, cpu: Int) {
        unownedExecutor = platform.serialExecutor(cpu: cpu)
        self.platform = platform
        self.cpu = cpu
    }

    func touch() {
        count += 1
        calls.store(count, ordering: .relaxed)
        if platform.cpuOfCurrentThread() != cpu { misplaced.add(1, ordering: .relaxed) }
    }

    /// Asserts, synchronously, that the caller has this actor's isolation (traps otherwise).
    nonisolated func assumeHere() { assumeIsolated { _ in } }

    /// Sleeps on a timer of `timerCPU`; resumes here (on this actor's CPU).
    func sleep(until deadline: UInt64, onTimerOf timerCPU: Int) async {
        await platform.sleep(until: deadline, on: timerCPU)
    }
}

/// A live CPU's own actor: a guest period from its CPU's thread, as `PhysicalCPU` does.
actor LiveGuest {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    nonisolated let platform: LivePlatform
    nonisolated let cpu: Int

    init(_ platform: LivePlatform, cpu: Int) {
        unownedExecutor = platform.serialExecutor(cpu: cpu)
        self.platform = platform
        self.cpu = cpu
    }

    /// A guest period; also whether `flag` was set when it ended (inside the same job).
    func period(until deadline: UInt64, flag: Flag? = nil) async -> (end: UInt64, flagged: Bool) {
        let end = await platform.guestPeriod(on: cpu, until: deadline)
        return (end, flag?.isSet ?? false)
    }
}

/// A flag set from any thread.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

/// A value stored from any thread and read after the run.
final class Slot<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    func store(_ new: Value) { value.withLock { $0 = new } }
    var load: Value? { value.withLock { $0 } }
}

/// Spins (yielding the core) until `condition` holds: a task waiting for another CPU's state, with
/// no sleep and no timing.
func spin(until condition: () -> Bool) {
    while !condition() { sched_yield() }
}

/// A "never reached" deadline: a minute from now.
func farDeadline(_ platform: LivePlatform) -> UInt64 { platform.now() + 60_000_000_000 }

@Suite(.serialized) struct LivePlatformTests {
    // MARK: Tasks and executors

    @Test(arguments: [
        (1, 4, IdlePolicy.park), (3, 12, .park), (4, 16, .park),
        (2, 8, .poll(window: IdlePolicy.defaultPollWindow)), (4, 16, .poll(window: IdlePolicy.defaultPollWindow)),
    ])
    func everyTaskFinishesAndActorsStayOnTheirCPU(cpus: Int, tasks: Int, idle: IdlePolicy) {
        let platform = LivePlatform(cpus: cpus, idle: idle)
        let actors = (0..<cpus).map { LiveBound(platform, cpu: $0) }
        let steps = 50
        let done = Atomic<Int>(0)
        for t in 0..<tasks {
            platform.spawn(on: t % cpus) {
                for step in 0..<steps {
                    await actors[(t + step) % cpus].touch()
                    if step % 10 == 0 { await platform.sleep(until: platform.now(), on: t % cpus) }
                }
                done.add(1, ordering: .relaxed)
            }
        }
        #expect(platform.run() == .finished)
        #expect(done.load(ordering: .relaxed) == tasks)
        #expect(actors.map { $0.calls.load(ordering: .relaxed) }.reduce(0, +) == tasks * steps)
        #expect(actors.map { $0.misplaced.load(ordering: .relaxed) } == Array(repeating: 0, count: cpus))
    }

    @Test func tasksSpawnedDuringTheRunAreWaitedFor() {
        let platform = LivePlatform(cpus: 3)
        let done = Atomic<Int>(0)
        platform.spawn(on: 0) {
            for child in 0..<30 {
                platform.spawn(on: child % 3) {
                    await platform.sleep(until: platform.now() + 1_000, on: child % 3)
                    done.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(platform.run() == .finished)
        #expect(done.load(ordering: .relaxed) == 30)
    }

    @Test func nothingSpawnedFinishesAtOnce() {
        #expect(LivePlatform(cpus: 2).run() == .finished)
    }

    @Test func checkIsolatedHoldsOnTheCPUThreadOnly() {
        let platform = LivePlatform(cpus: 2)
        let bound = LiveBound(platform, cpu: 1)
        let results = Slot<[Bool]>()
        platform.spawn(on: 1) {
            // Before any await the task runs on its preferred CPU's thread.
            let executors = (0..<2).map { platform.taskExecutor(cpu: $0) as! LiveCPU }
            executors[1].checkIsolated()
            bound.assumeHere()
            results.store([executors[0].isCurrentThread, executors[1].isCurrentThread, platform.cpuOfCurrentThread() == 1])
        }
        #expect(platform.run() == .finished)
        #expect(results.load == [false, true, true])
        #expect(platform.cpuOfCurrentThread() == nil)
    }

    @Test func assumeIsolatedOnAnotherCPUTraps() async {
        await #expect(processExitsWith: .failure) {
            let platform = LivePlatform(cpus: 2)
            let bound = LiveBound(platform, cpu: 1)
            platform.spawn(on: 0) { bound.assumeHere() }
            _ = platform.run()
        }
    }

    @Test func aSecondRunTraps() async {
        await #expect(processExitsWith: .failure) {
            let platform = LivePlatform(cpus: 1)
            _ = platform.run()
            _ = platform.run()
        }
    }

    // MARK: Clock and timers

    @Test func sleepsEndNoEarlierThanTheirDeadline() {
        let platform = LivePlatform(cpus: 2)
        let early = Atomic<Int>(0)
        let woke = Atomic<Int>(0)
        for t in 0..<8 {
            platform.spawn(on: t % 2) {
                for k in 1...5 {
                    let deadline = platform.now() + UInt64(k * (t + 1)) * 20_000
                    await platform.sleep(until: deadline, on: t % 2)
                    if platform.now() < deadline { early.add(1, ordering: .relaxed) }
                    woke.add(1, ordering: .relaxed)
                }
                // A deadline already passed still ends.
                await platform.sleep(until: 0, on: t % 2)
            }
        }
        #expect(platform.run() == .finished)
        #expect(early.load(ordering: .relaxed) == 0)
        #expect(woke.load(ordering: .relaxed) == 40)
        #expect(platform.pendingTimers(cpu: 0) == 0 && platform.pendingTimers(cpu: 1) == 0)
    }

    @Test func clockNeverGoesBack() {
        let platform = LivePlatform(cpus: 1)
        var last = platform.now()
        for _ in 0..<1_000 {
            let now = platform.now()
            #expect(now >= last)
            last = now
        }
    }

    // MARK: Guest periods

    @Test(arguments: [false, true])
    func anotherCPUInterruptsAGuestPeriod(busyGuest: Bool) {
        let platform = LivePlatform(cpus: 2, busyGuest: busyGuest)
        let guest = LiveGuest(platform, cpu: 0)
        let deadline = farDeadline(platform)
        let ranDuringGuest = Flag()
        let result = Slot<(end: UInt64, flagged: Bool)>()
        platform.spawn(on: 0) { result.store(await guest.period(until: deadline, flag: ranDuringGuest)) }
        platform.spawn(on: 1) {
            spin { platform.isInGuest(cpu: 0) }
            // A job for cpu0 cannot run before the guest period, which holds cpu0's thread, ends.
            platform.spawn(on: 0) { ranDuringGuest.set() }
            platform.interruptGuest(cpu: 0)
        }
        #expect(platform.run() == .finished)
        #expect(ranDuringGuest.isSet)
        let period = result.load
        #expect(period.map { $0.end < deadline } == true)
        #expect(period?.flagged == false)
        #expect(!platform.isInGuest(cpu: 0))
    }

    @Test(arguments: [false, true])
    func anInterruptPendingBeforeThePeriodEndsItAtOnce(busyGuest: Bool) {
        let platform = LivePlatform(cpus: 1, busyGuest: busyGuest)
        let guest = LiveGuest(platform, cpu: 0)
        let deadline = farDeadline(platform)
        let ends = Slot<[UInt64]>()
        let second = Slot<UInt64>()
        platform.spawn(on: 0) {
            platform.interruptGuest(cpu: 0)
            let first = await guest.period(until: deadline).end
            // The first period consumed the interrupt: the next one lasts until its deadline.
            let near = platform.now() + 1_000_000
            second.store(near)
            ends.store([first, await guest.period(until: near).end])
        }
        #expect(platform.run() == .finished)
        let values = ends.load ?? []
        #expect(values.count == 2)
        if values.count == 2, let near = second.load {
            #expect(values[0] < deadline)
            #expect(values[1] >= near)
        }
    }

    @Test(arguments: [false, true])
    func aHostIRQKickEndsAGuestPeriodThroughTheWakeCallback(kickBeforeThePeriod: Bool) throws {
        // HostIRQ calls the wake callback (from the sender's thread) when the kick becomes
        // deliverable: during the period, or before it (the pending interrupt then ends it at once).
        let platform = LivePlatform(cpus: 2)
        let distributor = try Distributor(cpuCount: 2)
        for cpu in 0..<2 {
            let interface = try distributor.cpu(CPUID(cpu))
            try interface.setEnabled(.kick, true)
            interface.setWakeCallback { [platform] id, _ in platform.interruptGuest(cpu: id.rawValue) }
        }
        let guest = LiveGuest(platform, cpu: 0)
        let deadline = farDeadline(platform)
        let end = Slot<UInt64>()
        platform.spawn(on: 0) {
            if kickBeforeThePeriod { _ = try? distributor.sendSGI(.kick, to: CPUID(0)) }
            end.store(await guest.period(until: deadline).end)
        }
        if !kickBeforeThePeriod {
            platform.spawn(on: 1) {
                spin { platform.isInGuest(cpu: 0) }
                _ = try? distributor.sendSGI(.kick, to: CPUID(0))
            }
        }
        #expect(platform.run() == .finished)
        #expect(end.load.map { $0 < deadline } == true)
        #expect(distributor.hasDeliverableInterrupt(on: CPUID(0)))
    }

    @Test func aGuestPeriodWithADeadlinePassedEndsAtOnce() {
        let platform = LivePlatform(cpus: 1)
        let guest = LiveGuest(platform, cpu: 0)
        let end = Slot<UInt64>()
        platform.spawn(on: 0) { end.store(await guest.period(until: 0).end) }
        #expect(platform.run() == .finished)
        #expect(end.load != nil)
    }

    @Test func theCPUsTimersFireDuringItsGuestPeriod() {
        // The guest holds cpu0 for a minute unless interrupted; the interrupter on cpu1 first sleeps
        // on a timer of cpu0, so the run finishes only if cpu0 fires timers while in the guest.
        let platform = LivePlatform(cpus: 2)
        let guest = LiveGuest(platform, cpu: 0)
        let other = LiveBound(platform, cpu: 1)
        let deadline = farDeadline(platform)
        let end = Slot<UInt64>()
        platform.spawn(on: 0) { end.store(await guest.period(until: deadline).end) }
        platform.spawn(on: 1) {
            spin { platform.isInGuest(cpu: 0) }
            await other.sleep(until: platform.now() + 100_000, onTimerOf: 0)
            platform.interruptGuest(cpu: 0)
        }
        #expect(platform.run() == .finished)
        #expect(end.load.map { $0 < deadline } == true)
    }

    @Test func guestPeriodOffItsCPUTraps() async {
        await #expect(processExitsWith: .failure) {
            let platform = LivePlatform(cpus: 2)
            platform.spawn(on: 1) { _ = await platform.guestPeriod(on: 0, until: 0) }
            _ = platform.run()
        }
    }

    @Test func busyReturns() {
        let platform = LivePlatform(cpus: 1)
        let guest = LiveGuest(platform, cpu: 0)
        let done = Flag()
        platform.spawn(on: 0) {
            await platform.busy(on: 0, until: farDeadline(platform))
            _ = await guest.period(until: 0)
            done.set()
        }
        #expect(platform.run() == .finished)
        #expect(done.isSet)
    }

    // MARK: Waiters

    @Test func aWakeBeforeTheWaitIsNotLost() {
        let platform = LivePlatform(cpus: 1)
        let woken = Slot<Bool>()
        platform.spawn(on: 0) {
            let waiter = platform.makeWaiter()
            platform.wake(waiter)
            woken.store(await platform.wait(waiter, until: nil))
        }
        #expect(platform.run() == .finished)
        #expect(woken.load == true)
    }

    @Test func aWakeFromAnotherCPUEndsAWait() {
        let platform = LivePlatform(cpus: 2)
        let waiter = platform.makeWaiter()
        let woken = Slot<Bool>()
        platform.spawn(on: 0) { woken.store(await platform.wait(waiter, until: farDeadline(platform))) }
        platform.spawn(on: 1) {
            spin { platform.isWaiting(waiter) }
            platform.wake(waiter)
        }
        #expect(platform.run() == .finished)
        #expect(woken.load == true)
    }

    @Test func aDeadlineEndsAWaitWithFalse() {
        let platform = LivePlatform(cpus: 2)
        let results = Slot<[Bool]>()
        platform.spawn(on: 1) {
            let waiter = platform.makeWaiter()
            let passed = await platform.wait(waiter, until: 0)
            let now = await platform.wait(waiter, until: platform.now())
            let soon = await platform.wait(waiter, until: platform.now() + 200_000)
            results.store([passed, now, soon])
        }
        #expect(platform.run() == .finished)
        #expect(results.load == [false, false, false])
        #expect(platform.pendingTimers(cpu: 1) == 0)
    }

    @Test func aStaleDeadlineDoesNotEndALaterWait() {
        // The first wait has a deadline but a wake ends it first; its timer stays and fires while
        // the second wait (no deadline) is suspended. Only the wake may end the second wait.
        let platform = LivePlatform(cpus: 2)
        let waiter = platform.makeWaiter()
        let phase = Atomic<Int>(0)
        let results = Slot<[Bool]>()
        platform.spawn(on: 0) {
            let first = await platform.wait(waiter, until: platform.now() + 20_000_000)
            phase.store(1, ordering: .sequentiallyConsistent)
            let second = await platform.wait(waiter, until: nil)
            results.store([first, second])
        }
        platform.spawn(on: 1) {
            spin { platform.isWaiting(waiter) }
            platform.wake(waiter)
            spin { phase.load(ordering: .sequentiallyConsistent) == 1 && platform.isWaiting(waiter) }
            spin { platform.pendingTimers(cpu: 0) == 0 }
            platform.wake(waiter)
        }
        #expect(platform.run() == .finished)
        #expect(results.load == [true, true])
    }

    // MARK: Ending a run

    @Test func stopEndsTheRunWithAGuestPeriodInProgress() {
        let platform = LivePlatform(cpus: 2)
        let guest = LiveGuest(platform, cpu: 0)
        let deadline = farDeadline(platform)
        platform.spawn(on: 0) { _ = await guest.period(until: deadline) }
        platform.spawn(on: 1) {
            spin { platform.isInGuest(cpu: 0) }
            platform.stop()
        }
        let outcome = platform.run()
        // The stopping task may or may not have finished when run() looked.
        #expect(outcome == .stopped(liveTasks: 1) || outcome == .stopped(liveTasks: 2))
        #expect(!platform.isInGuest(cpu: 0))
    }

    @Test func stopEndsTheRunWithATaskWaitingForever() {
        let platform = LivePlatform(cpus: 2, idle: .poll(window: IdlePolicy.defaultPollWindow))
        let waiter = platform.makeWaiter()
        platform.spawn(on: 0) { _ = await platform.wait(waiter, until: nil) }
        platform.spawn(on: 1) {
            spin { platform.isWaiting(waiter) }
            platform.stop()
        }
        let outcome = platform.run()
        #expect(outcome == .stopped(liveTasks: 1) || outcome == .stopped(liveTasks: 2))
    }

    @Test func theTimeLimitEndsARunWithTasksAlive() {
        let platform = LivePlatform(cpus: 2)
        let guest = LiveGuest(platform, cpu: 1)
        let deadline = farDeadline(platform)
        platform.spawn(on: 0) { _ = await platform.wait(platform.makeWaiter(), until: nil) }
        platform.spawn(on: 1) { _ = await guest.period(until: deadline) }
        platform.setTimeLimit(platform.now() + 2_000_000)
        #expect(platform.run() == .timeLimit(liveTasks: 2))
        #expect(platform.now() > 0)
    }

    // MARK: Housekeeping ticks

    @Test func ticksRunOffTheCPUsUntilOneSaysNoMore() {
        let platform = LivePlatform(cpus: 2)
        let waiter = platform.makeWaiter()
        let ticks = Atomic<Int>(0)
        let onACPU = Atomic<Int>(0)
        platform.spawn(on: 0) { _ = await platform.wait(waiter, until: nil) }
        platform.repeatEvery(100_000) {
            if platform.cpuOfCurrentThread() != nil { onACPU.add(1, ordering: .relaxed) }
            guard ticks.add(1, ordering: .relaxed).newValue < 5 else {
                platform.wake(waiter)
                return false
            }
            return true
        }
        #expect(platform.run() == .finished)
        #expect(ticks.load(ordering: .relaxed) == 5)
        #expect(onACPU.load(ordering: .relaxed) == 0)
    }

    @Test func aCPUInTheGuestDoesNotDelayTicks() {
        // The only CPU is in the guest for a minute unless a tick interrupts it.
        let platform = LivePlatform(cpus: 1)
        let guest = LiveGuest(platform, cpu: 0)
        let deadline = farDeadline(platform)
        let end = Slot<UInt64>()
        platform.spawn(on: 0) { end.store(await guest.period(until: deadline).end) }
        platform.repeatEvery(50_000) {
            guard platform.isInGuest(cpu: 0) else { return true }
            platform.interruptGuest(cpu: 0)
            return false
        }
        #expect(platform.run() == .finished)
        #expect(end.load.map { $0 < deadline } == true)
    }

    @Test func ticksKeepNoRunAlive() {
        let platform = LivePlatform(cpus: 1)
        let done = Flag()
        platform.repeatEvery(1_000) { true }
        platform.spawn(on: 0) {
            await platform.sleep(until: platform.now() + 100_000, on: 0)
            done.set()
        }
        #expect(platform.run() == .finished)
        #expect(done.isSet)
    }

    @Test func aTickCanStopTheRun() {
        let platform = LivePlatform(cpus: 1)
        platform.spawn(on: 0) { _ = await platform.wait(platform.makeWaiter(), until: nil) }
        platform.repeatEvery(10_000) {
            platform.stop()
            return false
        }
        #expect(platform.run() == .stopped(liveTasks: 1))
    }

    // MARK: Configuration

    @Test func oversubscribedComparesWithTheOnlineCores() {
        #expect(!LivePlatform(cpus: 1).oversubscribed)
        #expect(LivePlatform(cpus: 4_096).oversubscribed)
        let platform = LivePlatform(cpus: 2, idle: .poll(window: 10_000), busyGuest: true)
        #expect(platform.cpuCount == 2)
        #expect(platform.idle == .poll(window: 10_000))
        #expect(platform.busyGuest)
    }
}
