#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import SPEDevice
import Synchronization

/// The deterministic platform: one thread runs every job; each physical CPU is a lane with a FIFO
/// of jobs; a seeded ``ScheduleStrategy`` picks the lane whose head job runs next; when no lane
/// can run, virtual time jumps to the next timer or the end of a guest period. The same seed and
/// configuration give the same run, job for job.
///
/// Work that reaches the platform from another thread (a task that escaped it) is counted in
/// ``escapedJobs`` and fails the run; tasks alive with nothing runnable and no timer are a deadlock.
///
/// A guest period, host work and a waiter's wait suspend on an `UnsafeContinuation`, not a checked
/// one: a VCPU suspends once or twice per exit, and a checked continuation allocates and frees its
/// checker each time and, being resilient, makes every slot that holds one go through value
/// witnesses. The misuse it would catch cannot happen here: each continuation is stored in exactly
/// one place (a CPU's guest slot, the waiting table) and resumed only when taken out of it, on this
/// thread; one left behind when nothing can run is the deadlock ``run()`` reports. (Timers, shared
/// with the live platform, keep checked ones.)
public final class SimulatedPlatform: Platform {
    public let cpuCount: Int
    public let seed: UInt64
    public let strategy: ScheduleStrategy
    private let lanes: [SimulatedLane]
    private let core: SimulatorCore

    /// How a simulation ended.
    public typealias Outcome = PlatformOutcome

    /// Jobs without virtual time advancing after which a run is a livelock.
    public static let livelockJobs: UInt64 = 5_000_000

    /// The run length `pct` assumes when it is told none, in scheduling decisions.
    public static let defaultExpectedSteps: UInt64 = 100_000

    private init(cpus: Int, seed: UInt64, strategy: ScheduleStrategy, core: SimulatorCore, lanes: [SimulatedLane]) {
        cpuCount = cpus
        self.seed = seed
        self.strategy = strategy
        self.core = core
        self.lanes = lanes
    }
}

/// The simulator's mutable state, shared by the platform and its lanes (which reach it to enqueue).
final class SimulatorCore: Sendable {
    let state: Mutex<State>
    let escapes = Atomic<Int>(0)
    /// `State.now`, readable without the lock: model code reads the clock tens of times per exit.
    /// Only the simulator thread moves it, under the lock.
    let clock = Atomic<UInt64>(0)

    init(cpus: Int, seed: UInt64, picker: SchedulePicker) {
        state = Mutex(State(random: SplitMix64(seed: seed), picker: picker, queues: Array(repeating: LaneQueue(), count: cpus),
            guest: Array(repeating: nil, count: cpus)))
    }

    struct State: ~Copyable {
        var now: UInt64 = 0
        var random: SplitMix64
        var picker: SchedulePicker
        var queues: [LaneQueue]
        var guest: [GuestPeriod?]
        var timers = TimerHeap()
        var timerSequence: UInt64 = 0
        var liveTasks = 0
        var jobsRun: UInt64 = 0
        var decisions: [UInt16] = []
        var recordDecisions = false
        var thread: pthread_t?
        var currentLane: Int?
        /// The lane whose next enqueued job goes to the front (a guest period just ended there).
        var frontNext: Int?
        /// Waiters: a suspended one has a continuation; a woken one not yet waiting has a pending wake.
        var waiting: [Int: UnsafeContinuation<Bool, Never>] = [:]
        var pendingWakes: Set<Int> = []
        var nextWaiter = 0
        var timeLimit = UInt64.max
        var stopRequested = false
        var jobsAtLastAdvance: UInt64 = 0
        var lastAdvance: UInt64 = 0
        /// The lanes that can run at a step: kept between steps so that a step allocates nothing.
        var runnable: [Int] = []

        /// Whether the caller is not the thread running the simulation (work that escaped it).
        var isOffThread: Bool { thread.map { pthread_equal($0, pthread_self()) == 0 } ?? false }
    }

    /// A job for `lane` (from the runtime, through the lane's executor).
    func enqueue(_ job: UnownedJob, lane: Int) {
        let offThread = state.withLock { s -> Bool in
            if s.frontNext == lane {
                s.frontNext = nil
                s.queues[lane].pushFront(job)
            } else {
                s.queues[lane].push(job)
            }
            return s.isOffThread
        }
        if offThread { escapes.add(1, ordering: .relaxed) }
    }

    func isCurrent(lane: Int) -> Bool { state.withLock { $0.currentLane == lane } }

    /// A guest period in progress on a lane.
    struct GuestPeriod {
        var end: UInt64
        let continuation: UnsafeContinuation<UInt64, Never>
        /// Whether an interrupt ends it (a guest period) or not (host work).
        var interruptible = true
    }

}

extension SimulatedPlatform {
    /// A platform of `cpus` CPUs whose choices are drawn from `seed` by `strategy`, for a run of
    /// about `expectedSteps` scheduling decisions (where `pct` places its change points).
    public convenience init(
        cpus: Int, seed: UInt64, strategy: ScheduleStrategy = .random, expectedSteps: UInt64 = defaultExpectedSteps
    ) {
        precondition(cpus > 0, "a platform needs a CPU")
        let core = SimulatorCore(
            cpus: cpus, seed: seed,
            picker: SchedulePicker(strategy, lanes: cpus, seed: seed, expectedSteps: expectedSteps))
        self.init(cpus: cpus, seed: seed, strategy: strategy, core: core,
            lanes: (0..<cpus).map { SimulatedLane(cpu: $0, core: core) })
    }

    // MARK: Platform

    public func serialExecutor(cpu: Int) -> UnownedSerialExecutor { lanes[cpu].asUnownedSerialExecutor() }

    public func taskExecutor(cpu: Int) -> any TaskExecutor { lanes[cpu] }

    public func spawn(on cpu: Int, _ body: @escaping @Sendable () async -> Void) {
        core.state.withLock { $0.liveTasks += 1 }
        Task(executorPreference: lanes[cpu]) {
            await body()
            self.core.state.withLock { $0.liveTasks -= 1 }
        }
    }

    public func now() -> UInt64 { core.clock.load(ordering: .acquiring) }

    public func sleep(until deadline: UInt64, on cpu: Int, isolation: isolated (any Actor)?) async {
        checkThread()
        await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
            core.state.withLock { s in
                s.timerSequence += 1
                s.timers.insert(Timer(deadline: max(deadline, s.now), sequence: s.timerSequence, action: .resume(continuation)))
            }
        }
    }

    // A guest period and host work check the thread under the lock they take anyway (each exit
    // takes both, and the lock is not free).
    public func guestPeriod(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async -> UInt64 {
        await withUnsafeContinuation(isolation: isolation) { (continuation: UnsafeContinuation<UInt64, Never>) in
            core.state.withLock { s in
                if s.isOffThread { core.escapes.add(1, ordering: .relaxed) }
                precondition(s.guest[cpu] == nil, "cpu\(cpu) is already running a guest")
                s.guest[cpu] = SimulatorCore.GuestPeriod(end: max(deadline, s.now), continuation: continuation)
            }
        }
    }

    public func busy(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async {
        _ = await withUnsafeContinuation(isolation: isolation) { (continuation: UnsafeContinuation<UInt64, Never>) in
            core.state.withLock { s in
                if s.isOffThread { core.escapes.add(1, ordering: .relaxed) }
                precondition(s.guest[cpu] == nil, "cpu\(cpu) is already busy")
                s.guest[cpu] = SimulatorCore.GuestPeriod(end: max(deadline, s.now), continuation: continuation, interruptible: false)
            }
        }
    }

    public func interruptGuest(cpu: Int) {
        core.state.withLock { s in
            if s.guest[cpu]?.interruptible == true { s.guest[cpu]!.end = min(s.guest[cpu]!.end, s.now) }
        }
    }

    public func hasQueuedJobs(cpu: Int) -> Bool { core.state.withLock { !$0.queues[cpu].isEmpty } }

    public func makeWaiter() -> Waiter {
        core.state.withLock { s in
            s.nextWaiter += 1
            return Waiter(id: s.nextWaiter)
        }
    }

    public func wait(_ waiter: Waiter, until deadline: UInt64?, isolation: isolated (any Actor)?) async -> Bool {
        checkThread()
        return await withUnsafeContinuation(isolation: isolation) { (continuation: UnsafeContinuation<Bool, Never>) in
            let early = core.state.withLock { s -> Bool in
                if s.pendingWakes.remove(waiter.id) != nil { return true }
                s.waiting[waiter.id] = continuation
                if let deadline {
                    s.timerSequence += 1
                    s.timers.insert(Timer(deadline: max(deadline, s.now), sequence: s.timerSequence,
                        action: .expire(waiter: waiter.id)))
                }
                return false
            }
            if early { continuation.resume(returning: true) }
        }
    }

    public func stop() { core.state.withLock { $0.stopRequested = true } }

    public func repeatEvery(_ interval: UInt64, _ tick: @escaping @Sendable () -> Bool) {
        precondition(interval > 0, "a repeating timer needs an interval")
        schedule(tick, every: interval)
    }

    private func schedule(_ tick: @escaping @Sendable () -> Bool, every interval: UInt64) {
        core.state.withLock { s in
            s.timerSequence += 1
            s.timers.insert(Timer(deadline: s.now &+ interval, sequence: s.timerSequence, action: .tick(tick, interval: interval)))
        }
    }

    public func wake(_ waiter: Waiter) {
        let continuation = core.state.withLock { s -> UnsafeContinuation<Bool, Never>? in
            if let waiting = s.waiting.removeValue(forKey: waiter.id) { return waiting }
            s.pendingWakes.insert(waiter.id)
            return nil
        }
        continuation?.resume(returning: true)
    }

    // MARK: Running

    /// Jobs or tasks that reached the platform from another thread: work that escaped it.
    public var escapedJobs: Int { core.escapes.load(ordering: .relaxed) }

    /// Jobs run so far.
    public var jobsRun: UInt64 { core.state.withLock { $0.jobsRun } }

    /// Tasks spawned and not finished.
    public var liveTasks: Int { core.state.withLock { $0.liveTasks } }

    /// The lane picked at each decision, when recording was asked for.
    public var decisions: [UInt16] { core.state.withLock { $0.decisions } }

    /// Stops the run when virtual time would pass `limit`.
    public func setTimeLimit(_ limit: UInt64) { core.state.withLock { $0.timeLimit = limit } }

    /// Records every scheduling decision (for replay files).
    public func recordDecisions(_ on: Bool) { core.state.withLock { $0.recordDecisions = on } }

    /// Counts work done off the simulator thread (model code calls this at its steps).
    public func checkThread() {
        if core.state.withLock({ $0.isOffThread }) { core.escapes.add(1, ordering: .relaxed) }
    }

    /// Runs the simulation on the calling thread until every task finished or nothing can run.
    public func run() -> Outcome {
        core.state.withLock { $0.thread = pthread_self() }
        defer { core.state.withLock { $0.thread = nil } }
        while true {
            switch nextStep() {
            case .run(let job, let lane):
                // The next step clears `currentLane`, under the lock it takes anyway.
                job.runSynchronously(
                    isolatedTo: lanes[lane].asUnownedSerialExecutor(), taskExecutor: lanes[lane].asUnownedTaskExecutor())
            case .resumeTimer(let sleeper):
                sleeper.continuation.resume()
            case .tick(let tick, let interval):
                if tick() { schedule(tick, every: interval) }
            case .endGuest(let continuation, let end):
                continuation.resume(returning: end)
            case .endWait(let continuation, let woken):
                continuation.resume(returning: woken)
            case .finished:
                return .finished
            case .deadlock(let live):
                return .deadlock(liveTasks: live)
            case .timeLimit(let live):
                return .timeLimit(liveTasks: live)
            case .livelock(let live):
                return .livelock(liveTasks: live)
            case .stopped(let live):
                return .stopped(liveTasks: live)
            }
        }
    }

    /// A sleeping task's continuation, boxed in a step: a checked continuation is resilient, and
    /// held in the step directly it made every step (two per exit) go through value witnesses.
    private final class Sleeper {
        let continuation: CheckedContinuation<Void, Never>
        init(continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
    }

    private enum Step {
        case run(UnownedJob, Int)
        case resumeTimer(Sleeper)
        case tick(@Sendable () -> Bool, interval: UInt64)
        case endGuest(UnsafeContinuation<UInt64, Never>, UInt64)
        case endWait(UnsafeContinuation<Bool, Never>, woken: Bool)
        case finished
        case deadlock(Int)
        case timeLimit(Int)
        case livelock(Int)
        case stopped(Int)
    }

    private func nextStep() -> Step {
        core.state.withLock { s in
            s.currentLane = nil
            s.runnable.removeAll(keepingCapacity: true)
            for lane in 0..<cpuCount where s.guest[lane] == nil && !s.queues[lane].isEmpty { s.runnable.append(lane) }
            if s.now != s.lastAdvance {
                s.lastAdvance = s.now
                s.jobsAtLastAdvance = s.jobsRun
            }
            if s.stopRequested { return .stopped(s.liveTasks) }
            if s.jobsRun - s.jobsAtLastAdvance > Self.livelockJobs { return .livelock(s.liveTasks) }
            if !s.runnable.isEmpty {
                let lane = s.picker.pick(s.runnable, random: &s.random)
                if s.recordDecisions { s.decisions.append(UInt16(lane)) }
                s.jobsRun += 1
                s.currentLane = lane
                return .run(s.queues[lane].pop(), lane)
            }
            // Nothing runnable: the earliest guest period end or timer, guest periods first on a tie.
            var guestLane: Int?
            for lane in 0..<cpuCount {
                if let period = s.guest[lane], guestLane.map({ period.end < s.guest[$0]!.end }) ?? true { guestLane = lane }
            }
            // Timers that would do nothing move no time and must not hide a guest period: a
            // waiter's deadline after it was woken, a housekeeping tick with no task left.
            while let first = s.timers.first, first.isIdle(waiting: s.waiting, liveTasks: s.liveTasks) {
                _ = s.timers.popFirst()
            }
            let timerDeadline = s.timers.first?.deadline
            let next = min(guestLane.map { s.guest[$0]!.end } ?? .max, timerDeadline ?? .max)
            if next != .max && next > s.timeLimit { return .timeLimit(s.liveTasks) }
            if let lane = guestLane, timerDeadline.map({ s.guest[lane]!.end <= $0 }) ?? true {
                let period = s.guest[lane]!
                s.guest[lane] = nil
                s.now = max(s.now, period.end)
                core.clock.store(s.now, ordering: .releasing)
                s.frontNext = lane
                return .endGuest(period.continuation, s.now)
            }
            guard let timer = s.timers.popFirst() else { return s.liveTasks > 0 ? .deadlock(s.liveTasks) : .finished }
            s.now = max(s.now, timer.deadline)
            core.clock.store(s.now, ordering: .releasing)
            switch timer.action {
            case .tick(let tick, let interval):
                return .tick(tick, interval: interval)
            case .resume(let continuation):
                return .resumeTimer(Sleeper(continuation: continuation))
            case .expire(let waiter):
                return .endWait(s.waiting.removeValue(forKey: waiter)!, woken: false)
            }
        }
    }

}

/// One simulated CPU's executor: the serial executor of the actors bound to the CPU and the task
/// executor of the tasks that prefer it. Its jobs go to the lane's FIFO.
final class SimulatedLane: SerialExecutor, TaskExecutor {
    let cpu: Int
    private let core: SimulatorCore

    init(cpu: Int, core: SimulatorCore) {
        self.cpu = cpu
        self.core = core
    }

    func enqueue(_ job: consuming ExecutorJob) { core.enqueue(UnownedJob(job), lane: cpu) }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    func checkIsolated() {
        precondition(core.isCurrent(lane: cpu), "not on simulated cpu\(cpu)")
    }
}

/// A FIFO of jobs with cheap pushes at both ends and a cheap pop from the front: a ring buffer
/// that grows by doubling.
struct LaneQueue {
    private var slots: [UnownedJob?] = Array(repeating: nil, count: 16)
    private var head = 0
    private var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func push(_ job: UnownedJob) {
        growIfFull()
        slots[(head + count) % slots.count] = job
        count += 1
    }

    mutating func pushFront(_ job: UnownedJob) {
        growIfFull()
        head = (head + slots.count - 1) % slots.count
        slots[head] = job
        count += 1
    }

    mutating func pop() -> UnownedJob {
        let job = slots[head]!
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        return job
    }

    private mutating func growIfFull() {
        guard count == slots.count else { return }
        let ordered = (0..<count).map { slots[(head + $0) % slots.count] }
        slots = ordered + Array(repeating: nil, count: slots.count)
        head = 0
    }
}

/// A pending `sleep(until:)`.
struct Timer {
    let deadline: UInt64
    let sequence: UInt64
    let action: Action

    /// What the timer does when it fires.
    enum Action {
        /// Resume a sleeping task.
        case resume(CheckedContinuation<Void, Never>)
        /// End a waiter's wait with "deadline", if it still waits.
        case expire(waiter: Int)
        /// Call a housekeeping tick (outside every lane), again after `interval` if it says so.
        case tick(@Sendable () -> Bool, interval: UInt64)
    }
}

extension Timer {
    /// Whether firing it would do nothing: a waiter's deadline after the waiter was woken, or a
    /// housekeeping tick with no task left to serve.
    func isIdle(waiting: [Int: UnsafeContinuation<Bool, Never>], liveTasks: Int) -> Bool {
        switch action {
        case .expire(let waiter): waiting[waiter] == nil
        case .tick: liveTasks == 0
        case .resume: false
        }
    }
}

/// A binary min-heap of timers ordered by (deadline, sequence): the order never depends on hashing.
struct TimerHeap {
    private var items: [Timer] = []

    var first: Timer? { items.first }

    private static func before(_ a: Timer, _ b: Timer) -> Bool {
        (a.deadline, a.sequence) < (b.deadline, b.sequence)
    }

    mutating func insert(_ timer: Timer) {
        items.append(timer)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Timer? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && Self.before(items[left], items[smallest]) { smallest = left }
            if right < items.count && Self.before(items[right], items[smallest]) { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
