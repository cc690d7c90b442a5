import Synchronization
import Testing

@testable import VCPURuntime

/// An actor bound to one simulated CPU.
actor CPUBound {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    private(set) var touches = 0
    init(_ platform: some Platform, cpu: Int) { unownedExecutor = platform.serialExecutor(cpu: cpu) }
    func touch() { touches += 1 }
}

/// A CPU's own actor: entry, the guest period and exit with nothing of the CPU in between.
actor GuestCPU {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    let platform: SimulatedPlatform
    let cpu: Int
    init(_ platform: SimulatedPlatform, cpu: Int) {
        unownedExecutor = platform.serialExecutor(cpu: cpu)
        self.platform = platform
        self.cpu = cpu
    }
    func enterRunExit(until deadline: UInt64, log: Lines) async {
        log.append("entry at \(platform.now())")
        let end = await platform.guestPeriod(on: cpu, until: deadline)
        log.append("exit at \(end)")
    }
}

/// A default actor: it runs wherever the calling task prefers.
actor Journal {
    private(set) var lines: [String] = []
    func note(_ line: String) { lines.append(line) }
}

/// Lines noted from any task.
final class Lines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

/// A toy model: `tasks` tasks over the CPUs, each hopping between CPU-bound actors and sleeping.
func toyRun(seed: UInt64, cpus: Int = 3, tasks: Int = 6, steps: Int = 5) -> (log: [String], platform: SimulatedPlatform) {
    let platform = SimulatedPlatform(cpus: cpus, seed: seed)
    let journal = Journal()
    let devices = (0..<cpus).map { CPUBound(platform, cpu: $0) }
    for t in 0..<tasks {
        platform.spawn(on: t % cpus) {
            for step in 0..<steps {
                await devices[(t + step) % cpus].touch()
                await journal.note("t\(t) s\(step) @\(platform.now())")
                await platform.sleep(until: platform.now() + UInt64(10 * (t + 1)), on: t % cpus)
            }
        }
    }
    #expect(platform.run() == .finished)
    let box = Lines()
    let reader = SimulatedPlatform(cpus: 1, seed: 0)
    reader.spawn(on: 0) { for line in await journal.lines { box.append(line) } }
    _ = reader.run()
    return (box.all, platform)
}

@Suite struct SimulatedPlatformTests {
    @Test func sameSeedSameRun() {
        let a = toyRun(seed: 42)
        let b = toyRun(seed: 42)
        #expect(a.log.count == 30)
        #expect(a.log == b.log)
        #expect(a.platform.jobsRun == b.platform.jobsRun)
        #expect(a.platform.escapedJobs == 0)
    }

    @Test func differentSeedsDifferentInterleavings() {
        let logs = Set((0..<20).map { toyRun(seed: UInt64($0)).log })
        #expect(logs.count >= 15)
    }

    @Test func virtualTimeJumpsToTheNextTimer() {
        let platform = SimulatedPlatform(cpus: 2, seed: 1)
        let seen = Lines()
        platform.spawn(on: 0) {
            await platform.sleep(until: 1_000_000, on: 0)
            seen.append("\(platform.now())")
            await platform.sleep(until: 500, on: 0)  // in the past: resumes now
            seen.append("\(platform.now())")
        }
        platform.spawn(on: 1) {
            await platform.sleep(until: 250, on: 1)
            seen.append("\(platform.now())")
        }
        #expect(platform.run() == .finished)
        #expect(seen.all == ["250", "1000000", "1000000"])
    }

    @Test func guestPeriodRunsToItsDeadlineOrAnInterrupt() {
        let platform = SimulatedPlatform(cpus: 2, seed: 3)
        let ends = Lines()
        platform.spawn(on: 0) {
            let end = await platform.guestPeriod(on: 0, until: 10_000)
            ends.append("cpu0 guest ended at \(end)")
            let second = await platform.guestPeriod(on: 0, until: platform.now() + 700)
            ends.append("cpu0 second guest ended at \(second)")
        }
        platform.spawn(on: 1) {
            await platform.sleep(until: 300, on: 1)
            platform.interruptGuest(cpu: 0)
            ends.append("cpu1 interrupted cpu0 at \(platform.now())")
        }
        #expect(platform.run() == .finished)
        #expect(ends.all == [
            "cpu1 interrupted cpu0 at 300", "cpu0 guest ended at 300", "cpu0 second guest ended at 1000",
        ])
    }

    @Test func nothingElseOfACPURunsDuringItsGuestPeriod() {
        let platform = SimulatedPlatform(cpus: 2, seed: 9)
        let device = CPUBound(platform, cpu: 0)
        let cpu = GuestCPU(platform, cpu: 0)
        let order = Lines()
        platform.spawn(on: 0) { await cpu.enterRunExit(until: 1000, log: order) }
        platform.spawn(on: 1) {
            await platform.sleep(until: 10, on: 1)
            await device.touch()  // queued on cpu0 while its guest runs
            order.append("touched cpu0 at \(platform.now())")
        }
        #expect(platform.run() == .finished)
        #expect(order.all == ["entry at 0", "exit at 1000", "touched cpu0 at 1000"])
    }

    /// A waiter woken before its deadline leaves a stale timer behind; it must not hide a later
    /// guest period (the simulator once took a heap of stale timers for a deadlock).
    @Test func staleDeadlinesDoNotHideAGuestPeriod() {
        let platform = SimulatedPlatform(cpus: 2, seed: 2)
        let waiter = platform.makeWaiter()
        let ends = Lines()
        platform.spawn(on: 0) {
            let woken = await platform.wait(waiter, until: 100)
            ends.append("woken \(woken) at \(platform.now())")
            let end = await platform.guestPeriod(on: 0, until: 200)
            ends.append("guest ended at \(end)")
        }
        platform.spawn(on: 1) { platform.wake(waiter) }
        #expect(platform.run() == .finished)
        #expect(ends.all == ["woken true at 0", "guest ended at 200"])
        #expect(platform.now() == 200)
    }

    /// A housekeeping tick runs outside every lane, even while a CPU is in a guest, and keeps no
    /// run alive.
    @Test func repeatingTicksRunBesideGuestsAndKeepNoRunAlive() {
        let platform = SimulatedPlatform(cpus: 1, seed: 2)
        let ticks = Lines()
        platform.repeatEvery(300) {
            ticks.append("tick at \(platform.now())")
            return true
        }
        platform.spawn(on: 0) { _ = await platform.guestPeriod(on: 0, until: 1_000) }
        #expect(platform.run() == .finished)
        #expect(ticks.all == ["tick at 300", "tick at 600", "tick at 900"])
        #expect(platform.now() == 1_000)
    }

    @Test func workFromAnotherThreadIsCountedAsEscaped() {
        let platform = SimulatedPlatform(cpus: 1, seed: 5)
        platform.spawn(on: 0) {
            platform.checkThread()
            // A foreign thread reaches the platform while the simulator waits for it.
            runOnHelperThread { platform.checkThread() }
        }
        #expect(platform.run() == .finished)
        #expect(platform.escapedJobs == 1)
    }

    @Test func tasksAliveWithNothingToRunAreADeadlock() {
        let platform = SimulatedPlatform(cpus: 2, seed: 5)
        platform.spawn(on: 1) { await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } }
        platform.spawn(on: 0) { await platform.sleep(until: 50, on: 0) }
        #expect(platform.run() == .deadlock(liveTasks: 1))
        #expect(platform.now() == 50)
    }
}
