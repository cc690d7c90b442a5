#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import HostIRQ
import Synchronization

/// The live platform: one dedicated thread per physical CPU, the real monotonic clock, real races.
/// For stress and for measuring real scheduling latency.
///
/// Each CPU's thread is that CPU's serial executor and task executor: it runs the CPU's jobs in
/// arrival order and fires the CPU's timers between them. A guest period is a deadline wait *on the
/// CPU's thread* inside the job that entered the guest, so entry → guest → exit is one job and no
/// other job of the CPU runs meanwhile; ``interruptGuest(cpu:)`` (from any thread) cuts it short.
///
/// Decisions:
/// - ``busy(on:until:isolation:)`` returns at once: the host work it stands for (exit handling)
///   already ran, in real time, on the CPU's thread; spinning on top would count that work twice
///   and take a core from the other threads of a 2-core machine.
/// - A waiter's deadline is a timer of the CPU whose thread calls ``wait(_:until:isolation:)`` (the
///   waiting task resumes there in the model, so one thread wakes, not two); a caller that is on no
///   CPU's thread uses CPU 0's timers. A CPU fires its timers between jobs, while idle and during a
///   guest period, but not inside any other job, so a timer is late by at most the job in progress.
/// - Spinning (``IdlePolicy/poll(window:)`` and ``busyGuest``) yields the core on every turn when
///   the platform is ``oversubscribed``: the thread that would end the spin may need that core.
/// - ``repeatEvery(_:_:)``'s housekeeping ticks run on the thread that called ``run()``, which
///   otherwise only waits for the run's end: off every CPU, with no extra thread.
/// - The platform never reports ``PlatformOutcome/deadlock(liveTasks:)`` or
///   ``PlatformOutcome/livelock(liveTasks:)``: with real threads a quiet moment is not a proof.
/// - The CPU threads start in ``run()`` (jobs spawned before wait for it) and are joined before it
///   returns. A platform is good for one run. After a stop or a time limit, tasks still suspended
///   stay suspended and queued jobs are dropped; nothing runs them any more.
public final class LivePlatform: Platform {
    /// Number of physical CPUs (one thread each during ``run()``).
    public let cpuCount: Int
    /// What a CPU's thread does when it has nothing to run.
    public let idle: IdlePolicy
    /// Whether guest time spins on the CPU's thread (true) or sleeps on a timed wait (false).
    public let busyGuest: Bool
    private let cpus: [LiveCPU]
    private let clock: MonotonicClock
    private let waits: ConditionLock<WaitTable>
    private let control: ConditionLock<LiveRunState>
    private let liveTasks = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    /// cyclictest's measures for the run, and what became of them.
    public let measures: LiveMeasures
    private let outcomes = PThreadMutex(MeasureOutcomes())

    /// How a run ends (shared with the simulated platform).
    public typealias Outcome = PlatformOutcome

    /// A platform of `cpus` CPUs. `idle` says what a CPU with nothing to run does; `busyGuest` makes
    /// guest time a spin instead of a sleep. Both spin only when asked: on a machine with few cores
    /// spinning CPUs starve every other thread (and a real-time priority makes that worse).
    /// `measures` are taken for the run where the process may (``measureOutcomes``).
    public init(cpus: Int, idle: IdlePolicy = .park, busyGuest: Bool = false, measures: LiveMeasures = LiveMeasures()) {
        precondition(cpus > 0, "a platform needs a CPU")
        self.measures = measures
        cpuCount = cpus
        self.idle = idle
        self.busyGuest = busyGuest
        let clock = MonotonicClock()
        self.clock = clock
        let waits = ConditionLock(WaitTable())
        self.waits = waits
        control = ConditionLock(LiveRunState())
        let yields = cpus > Self.onlineCores
        self.cpus = (0..<cpus).map { LiveCPU(index: $0, clock: clock, waits: waits, idle: idle, yieldsWhileSpinning: yields) }
    }

    /// What became of ``measures``: known once ``run()`` has started its threads.
    public var measureOutcomes: MeasureOutcomes { outcomes.withLock { $0 } }

    /// Whether the platform has more CPUs than the machine has online cores
    /// (`sysconf(_SC_NPROCESSORS_ONLN)`): its CPU threads then share cores, and a spinning one
    /// delays the others.
    public var oversubscribed: Bool { cpuCount > Self.onlineCores }

    private static var onlineCores: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    // MARK: Platform

    /// The serial executor of `cpu`: jobs of actors bound to it run on the CPU's thread, in order.
    public func serialExecutor(cpu: Int) -> UnownedSerialExecutor { cpus[cpu].asUnownedSerialExecutor() }

    /// The task executor of `cpu`: a task that prefers it runs its nonisolated code and its default
    /// actors' code on the CPU's thread.
    public func taskExecutor(cpu: Int) -> any TaskExecutor { cpus[cpu] }

    /// Starts a task that prefers `cpu`'s executor. Tasks spawned before ``run()`` start when it does;
    /// ``run()`` returns ``PlatformOutcome/finished`` once every spawned task has finished.
    public func spawn(on cpu: Int, _ body: @escaping @Sendable () async -> Void) {
        liveTasks.add(1, ordering: .sequentiallyConsistent)
        Task(executorPreference: cpus[cpu]) {
            await body()
            self.taskFinished()
        }
    }

    /// Nanoseconds of `CLOCK_MONOTONIC` since the platform was created.
    public func now() -> UInt64 { clock.now() }

    /// Suspends the calling task until `deadline` on a timer of `cpu`; the task resumes in the
    /// caller's isolation (on `cpu` when the caller runs there). A deadline already passed still
    /// suspends: the timer fires at the CPU's next turn.
    public func sleep(until deadline: UInt64, on cpu: Int, isolation: isolated (any Actor)?) async {
        let target = cpus[cpu]
        await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
            target.addTimer(deadline: deadline, action: .resume(continuation))
        }
    }

    /// Runs the guest on `cpu` until `deadline` or ``interruptGuest(cpu:)``, whichever comes first,
    /// and returns the time the period ended. The calling job keeps `cpu`'s thread the whole time
    /// (a timed wait, or a spin with ``busyGuest``), so the period never suspends the caller and no
    /// other job of the CPU runs meanwhile; the CPU's timers still fire. An interrupt flagged before
    /// the period starts ends it at once. The caller must run on `cpu`'s thread (the CPU's own
    /// actor); anywhere else it traps.
    public func guestPeriod(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async -> UInt64 {
        let target = cpus[cpu]
        precondition(target.isCurrentThread, "a guest period of cpu\(cpu) runs on cpu\(cpu)'s thread")
        return target.runGuest(until: deadline, spinning: busyGuest)
    }

    /// Returns at once: the host work this stands for already took its real time on the CPU's thread
    /// (see the type's decisions).
    public func busy(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async {}

    /// A physical interrupt became deliverable on `cpu`: its guest period ends now, or, when none is
    /// in progress, the next one ends as it starts (the interrupt is pending until a period sees it,
    /// so one that comes between the last check before entry and the period is not lost; one the
    /// host took meanwhile costs at most one early exit, as it does in KVM). Safe from any thread,
    /// and from under the caller's own locks: it takes only the CPU's lock, calling nothing under it.
    public func interruptGuest(cpu: Int) { cpus[cpu].interrupt() }

    /// A new waiter.
    public func hasQueuedJobs(cpu: Int) -> Bool { cpus[cpu].hasQueuedJobs }

    public func makeWaiter() -> Waiter {
        waits.withLock { table in
            table.nextWaiter += 1
            return Waiter(id: table.nextWaiter)
        }
    }

    /// Suspends the caller until ``wake(_:)`` (true) or `deadline` (false). A wake that came before
    /// the wait ends it at once; a deadline already passed ends it at once. The deadline is a timer
    /// of the CPU whose thread calls (CPU 0 off the CPU threads). One task waits on a waiter at a time.
    public func wait(_ waiter: Waiter, until deadline: UInt64?, isolation: isolated (any Actor)?) async -> Bool {
        let timerCPU = currentCPU() ?? cpus[0]
        let now = clock.now()
        return await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Bool, Never>) in
            let outcome = waits.withLock { table -> WaitTable.Start in
                precondition(table.suspended[waiter.id] == nil, "two tasks wait on waiter \(waiter.id)")
                if table.pendingWakes.remove(waiter.id) != nil { return .ended(woken: true) }
                if let deadline, deadline <= now { return .ended(woken: false) }
                table.nextToken += 1
                table.suspended[waiter.id] = WaitTable.Suspended(token: table.nextToken, continuation: continuation)
                if deadline != nil { table.deadlines[table.nextToken] = waiter.id }
                return .suspended(token: table.nextToken)
            }
            switch outcome {
            case .ended(let woken):
                continuation.resume(returning: woken)
            case .suspended(let token):
                // A wake may end the wait before the timer exists: the timer then finds no token.
                if let deadline { timerCPU.addTimer(deadline: deadline, action: .expire(waiter: token)) }
            }
        }
    }

    /// Wakes `waiter`: its wait ends with true now, or its next wait does at once. Safe from any thread.
    public func wake(_ waiter: Waiter) {
        let continuation = waits.withLock { table -> CheckedContinuation<Bool, Never>? in
            if let suspended = table.suspended.removeValue(forKey: waiter.id) {
                table.deadlines.removeValue(forKey: suspended.token)
                return suspended.continuation
            }
            table.pendingWakes.insert(waiter.id)
            return nil
        }
        continuation?.resume(returning: true)
    }

    /// Ends the run soon: ``run()`` returns ``PlatformOutcome/stopped(liveTasks:)``. Safe from any thread.
    public func stop() { control.notify { $0.stopRequested = true } }

    /// ``run()`` returns ``PlatformOutcome/timeLimit(liveTasks:)`` once ``now()`` passes `limit` with
    /// tasks alive.
    public func setTimeLimit(_ limit: UInt64) { control.notify { $0.timeLimit = limit } }

    /// Calls `tick` every `interval` nanoseconds (the first time `interval` after this call, then
    /// `interval` after each call that returned true) until it returns false. The ticks run on the
    /// thread that called ``run()``, never on a CPU's thread, so a CPU busy in a guest does not
    /// delay them; a tick that takes long delays the others and ``run()``'s own checks. Ticks keep
    /// no run alive and stop with it.
    public func repeatEvery(_ interval: UInt64, _ tick: @escaping @Sendable () -> Bool) {
        precondition(interval > 0, "a repeating timer needs an interval")
        let deadline = clock.now().addingClamped(interval)
        control.notify { $0.addTick(tick, interval: interval, at: deadline) }
    }

    /// Starts the CPU threads and blocks the calling thread (which must not be a CPU thread) until
    /// every spawned task finished, ``stop()`` was called, or the time limit passed, running the
    /// ``repeatEvery(_:_:)`` ticks meanwhile; then shuts the CPU threads down and joins them. Call it
    /// once.
    public func run() -> Outcome {
        precondition(!started.exchange(true, ordering: .sequentiallyConsistent), "a live platform runs once")
        precondition(currentCPU() == nil, "run() blocks its thread: call it from outside the platform")
        var session = MeasureSession(measures)
        session.begin()
        let threads = cpus.map { cpu in startThread { cpu.runLoop() } }
        session.prioritize(threads)
        outcomes.withLock { [taken = session.outcomes] in $0 = taken }
        let outcome: Outcome
        while true {
            let step = control.waitUntil { state -> Gate<LiveRunState.Step> in
                let live = liveTasks.load(ordering: .sequentiallyConsistent)
                if state.stopRequested { return .pass(.end(.stopped(liveTasks: live))) }
                if live == 0 { return .pass(.end(.finished)) }
                let now = clock.now()
                if state.timeLimit != .max && now > state.timeLimit { return .pass(.end(.timeLimit(liveTasks: live))) }
                if let tick = state.ticks.first, tick.deadline <= now { return .pass(.tick(state.ticks.popFirst()!)) }
                let wake = min(state.timeLimit.addingClamped(1), state.ticks.first?.deadline ?? .max)
                return .block(until: wake == .max ? nil : clock.absolute(wake))
            }
            switch step {
            case .end(let end):
                outcome = end
            case .tick(let timer):
                // Outside the lock: a tick may stop the run or wake a task.
                guard case .tick(let tick, let interval) = timer.action else { preconditionFailure("not a tick") }
                if tick() {
                    let deadline = clock.now().addingClamped(interval)
                    control.withLock { $0.addTick(tick, interval: interval, at: deadline) }
                }
                continue
            }
            break
        }
        for cpu in cpus { cpu.shutDown() }
        for thread in threads { joinThread(thread) }
        session.end()
        return outcome
    }

    // MARK: Internals

    /// The CPU whose thread runs the caller, if any (diagnostics and tests: model code carries its
    /// CPU as state, since code after an `await` may run on another CPU's thread).
    func cpuOfCurrentThread() -> Int? { currentCPU()?.index }

    /// Whether `cpu` is in a guest period now (tests).
    func isInGuest(cpu: Int) -> Bool { cpus[cpu].isInGuest }

    /// Timers of `cpu` not yet fired (tests).
    func pendingTimers(cpu: Int) -> Int { cpus[cpu].pendingTimers }

    /// Whether a task is suspended on `waiter` (tests).
    func isWaiting(_ waiter: Waiter) -> Bool { waits.withLock { $0.suspended[waiter.id] != nil } }

    private func currentCPU() -> LiveCPU? {
        guard let current = pthread_getspecific(currentCPUKey) else { return nil }
        return cpus.first { Unmanaged.passUnretained($0).toOpaque() == current }
    }

    private func taskFinished() {
        // The lock orders the last decrement with run()'s check: it sees zero or gets the signal.
        if liveTasks.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 { control.notify { _ in } }
    }
}

/// What ``LivePlatform/run()`` waits on, and the housekeeping ticks it runs.
struct LiveRunState: Sendable {
    var stopRequested = false
    var timeLimit = UInt64.max
    /// ``LivePlatform/repeatEvery(_:_:)``'s ticks (every action a `.tick`).
    var ticks = TimerHeap()
    var tickSequence: UInt64 = 0

    /// What run()'s thread does next.
    enum Step {
        case end(PlatformOutcome)
        case tick(Timer)
    }

    mutating func addTick(_ tick: @escaping @Sendable () -> Bool, interval: UInt64, at deadline: UInt64) {
        tickSequence += 1
        ticks.insert(Timer(deadline: deadline, sequence: tickSequence, action: .tick(tick, interval: interval)))
    }
}

/// The live platform's waiters. Every wait that suspends gets a fresh token, and a deadline timer
/// names the token, not the waiter: a timer left over from a wait that a wake ended cannot end a
/// later wait on the same waiter.
struct WaitTable: Sendable {
    struct Suspended: Sendable {
        let token: Int
        let continuation: CheckedContinuation<Bool, Never>
    }
    var suspended: [Int: Suspended] = [:]
    var pendingWakes: Set<Int> = []
    /// Tokens of suspended waits with a deadline → their waiter.
    var deadlines: [Int: Int] = [:]
    var nextWaiter = 0
    var nextToken = 0

    /// How a wait starts.
    enum Start {
        case ended(woken: Bool)
        case suspended(token: Int)
    }

    /// The wait of `token`, if it is still suspended: removed, for its deadline to end it.
    mutating func expire(token: Int) -> CheckedContinuation<Bool, Never>? {
        guard let waiter = deadlines.removeValue(forKey: token), let suspended = suspended[waiter],
            suspended.token == token
        else { return nil }
        self.suspended.removeValue(forKey: waiter)
        return suspended.continuation
    }
}

// MARK: - One CPU

/// One live CPU: the serial executor of the actors bound to it and the task executor of the tasks
/// that prefer it. Jobs from any thread go to its FIFO; its thread runs them one at a time, fires its
/// timers between them, and parks (or polls first) when there is nothing to do.
final class LiveCPU: SerialExecutor, TaskExecutor {
    let index: Int
    private let clock: MonotonicClock
    private let waits: ConditionLock<WaitTable>
    private let idle: IdlePolicy
    private let yieldsWhileSpinning: Bool
    private let state = ConditionLock(State())
    /// Bumped under the lock by every change a waiting thread may care about, so a spinning thread
    /// notices news without taking the lock.
    private let news = Atomic<UInt64>(0)
    /// A physical interrupt is pending: set by ``interrupt()``, consumed by a guest period.
    private let interruptPending = Atomic<Bool>(false)
    /// Timers whose action is done (tests).
    private let timersFired = Atomic<Int>(0)

    struct State: Sendable {
        var queue = LaneQueue()
        var timers = TimerHeap()
        var timerSequence: UInt64 = 0
        var inGuest = false
        var shutdown = false
    }

    init(index: Int, clock: MonotonicClock, waits: ConditionLock<WaitTable>, idle: IdlePolicy, yieldsWhileSpinning: Bool) {
        self.index = index
        self.clock = clock
        self.waits = waits
        self.idle = idle
        self.yieldsWhileSpinning = yieldsWhileSpinning
    }

    // MARK: Executor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        notify { $0.queue.push(job) }
    }

    /// Whether jobs wait in the CPU's queue.
    var hasQueuedJobs: Bool { state.withLock { !$0.queue.isEmpty } }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    /// Traps unless the caller runs on this CPU's thread.
    func checkIsolated() {
        precondition(isCurrentThread, "not on live cpu\(index)'s thread")
    }

    /// Whether the calling thread is this CPU's thread.
    var isCurrentThread: Bool { pthread_getspecific(currentCPUKey) == Unmanaged.passUnretained(self).toOpaque() }

    // MARK: From any thread

    /// A timer: `action` happens on this CPU's thread at `deadline` or soon after.
    func addTimer(deadline: UInt64, action: Timer.Action) {
        notify { s in
            s.timerSequence += 1
            s.timers.insert(Timer(deadline: deadline, sequence: s.timerSequence, action: action))
        }
    }

    /// A physical interrupt is deliverable here: flag it (before the lock, so a guest period that
    /// checks under the lock sees it or gets the signal), then wake the thread.
    func interrupt() {
        interruptPending.store(true, ordering: .sequentiallyConsistent)
        notify { _ in }
    }

    /// The thread leaves its loop after its current job (or guest period) and runs nothing more.
    func shutDown() { notify { $0.shutdown = true } }

    var isInGuest: Bool { state.withLock { $0.inGuest } }

    /// Timers added and not yet fired (a timer counts as fired once its action is done).
    var pendingTimers: Int { state.withLock { Int($0.timerSequence) } - timersFired.load(ordering: .sequentiallyConsistent) }

    /// Changes the state under the lock and wakes the thread.
    private func notify(_ change: (inout State) -> Void) {
        state.notify { s in
            change(&s)
            news.add(1, ordering: .sequentiallyConsistent)
        }
    }

    // MARK: On the CPU's thread

    private enum Step {
        case run(UnownedJob)
        case fire(Timer)
        case spin(until: UInt64)
        case end
    }

    /// The thread's body: runs jobs and fires timers until shut down.
    func runLoop() {
        pthread_setspecific(currentCPUKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(currentCPUKey, nil) }
        let serial = asUnownedSerialExecutor()
        let task = asUnownedTaskExecutor()
        var idleSince: UInt64?
        while true {
            let seen = news.load(ordering: .sequentiallyConsistent)
            let step = state.waitUntil { s -> Gate<Step> in
                if s.shutdown { return .pass(.end) }
                let now = clock.now()
                if let timer = s.timers.first, timer.deadline <= now { return .pass(.fire(s.timers.popFirst()!)) }
                if !s.queue.isEmpty { return .pass(.run(s.queue.pop())) }
                if case .poll(let window) = idle {
                    let spinEnd = (idleSince ?? now).addingClamped(window)
                    if idleSince == nil { idleSince = now }
                    if now < spinEnd { return .pass(.spin(until: min(spinEnd, s.timers.first?.deadline ?? .max))) }
                }
                return .block(until: s.timers.first.flatMap { clock.absolute($0.deadline) })
            }
            switch step {
            case .run(let job):
                idleSince = nil
                job.runSynchronously(isolatedTo: serial, taskExecutor: task)
            case .fire(let timer):
                fire(timer)
            case .spin(let end):
                spin(since: seen, until: end)
            case .end:
                return
            }
        }
    }

    /// A guest period on this CPU's thread (inside the job that entered the guest): ends at
    /// `deadline`, at an interrupt (pending or new) or at shutdown; fires the CPU's timers meanwhile.
    func runGuest(until deadline: UInt64, spinning: Bool) -> UInt64 {
        while true {
            let seen = news.load(ordering: .sequentiallyConsistent)
            let step = state.waitUntil { s -> Gate<Step> in
                s.inGuest = true
                let now = clock.now()
                if interruptPending.exchange(false, ordering: .sequentiallyConsistent) || s.shutdown || now >= deadline {
                    s.inGuest = false
                    return .pass(.end)
                }
                if let timer = s.timers.first, timer.deadline <= now { return .pass(.fire(s.timers.popFirst()!)) }
                let wake = min(deadline, s.timers.first?.deadline ?? .max)
                if spinning { return .pass(.spin(until: wake)) }
                return .block(until: clock.absolute(wake))
            }
            switch step {
            case .fire(let timer):
                fire(timer)
            case .spin(let end):
                spin(since: seen, until: end)
            case .end:
                return clock.now()
            case .run:
                preconditionFailure("a guest period runs no job")
            }
        }
    }

    /// Spins until news arrives or `end` (platform time).
    private func spin(since seen: UInt64, until end: UInt64) {
        while news.load(ordering: .sequentiallyConsistent) == seen && clock.now() < end {
            if yieldsWhileSpinning { sched_yield() }
        }
    }

    /// A due timer's action, outside the lock (resuming a task enqueues its job, maybe here).
    private func fire(_ timer: Timer) {
        switch timer.action {
        case .resume(let continuation):
            continuation.resume()
        case .expire(let token):
            waits.withLock { $0.expire(token: token) }?.resume(returning: false)
        case .tick:
            preconditionFailure("a housekeeping tick is run()'s, never a CPU's timer")
        }
        timersFired.add(1, ordering: .sequentiallyConsistent)
    }
}

// MARK: - Threads

/// The thread-specific slot that holds the `LiveCPU` whose thread this is (unretained: the thread
/// retains its CPU for its whole life, and clears the slot before it ends).
private let currentCPUKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key, nil)
    precondition(rc == 0, "pthread_key_create failed: \(rc)")
    return key
}()

// MARK: - Clock and lock

/// `CLOCK_MONOTONIC` in nanoseconds, counted from the clock's creation.
struct MonotonicClock: Sendable {
    /// The raw reading at creation.
    let origin: UInt64

    init() { origin = Self.raw() }

    /// Nanoseconds since creation.
    func now() -> UInt64 { Self.raw() - origin }

    /// The raw reading of the platform time `time` (nil if out of range: no deadline).
    func absolute(_ time: UInt64) -> UInt64? {
        let (sum, overflow) = time.addingReportingOverflow(origin)
        return overflow ? nil : sum
    }

    static func raw() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// What a waiter decides under the lock: go on with a value, or wait for a signal or a deadline.
enum Gate<Value> {
    case pass(Value)
    /// Wait until signalled or until this raw `CLOCK_MONOTONIC` time (nil: no deadline).
    case block(until: UInt64?)
}

/// A pthread mutex and condition variable (on `CLOCK_MONOTONIC`) with the state they protect.
/// pthread primitives rather than `Synchronization.Mutex`: a condition variable needs a pthread
/// mutex, and ThreadSanitizer sees the hand-over of a contended pthread mutex (it reported races
/// inside a contended `Mutex`, see the executors reference).
///
/// `@unchecked Sendable` is unavoidable here: pthread objects need stable addresses, so the class
/// holds raw pointers, which are not `Sendable`. It is safe because the pointers are allocated and
/// initialized in `init`, never reassigned, and destroyed only in `deinit` (when no thread can hold
/// a reference), every use of them is a thread-safe pthread call, and `state` is read and written
/// only by closures run while the mutex is held (`State: Sendable`, so what they copy out may cross
/// threads). A closure's `inout` access to `state` never spans a condition wait: ``waitUntil(_:)``
/// calls its closure afresh after every wake-up.
final class ConditionLock<State: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    init(_ initial: State) {
        state = initial
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        #if canImport(Darwin)
            precondition(pthread_cond_init(condition, nil) == 0, "pthread_cond_init failed")
        #else
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            precondition(pthread_cond_init(condition, &attributes) == 0, "pthread_cond_init failed")
            pthread_condattr_destroy(&attributes)
        #endif
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` on the state with the mutex held.
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Runs `body` with the mutex held, then wakes the thread waiting in ``waitUntil(_:)`` (each lock
    /// has at most one).
    func notify<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Calls `decide` with the mutex held until it passes a value; after each `.block` it waits for a
    /// ``notify(_:)`` or the deadline (or a spurious wake-up) and asks again.
    func waitUntil<R>(_ decide: (inout State) throws -> Gate<R>) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            switch try decide(&state) {
            case .pass(let value):
                return value
            case .block(until: nil):
                pthread_cond_wait(condition, mutex)
            case .block(until: let deadline?):
                #if canImport(Darwin)
                    let now = MonotonicClock.raw()
                    guard deadline > now else { continue }
                    var relative = timespec(tv_sec: Int(deadline - now) / 1_000_000_000, tv_nsec: Int(deadline - now) % 1_000_000_000)
                    pthread_cond_timedwait_relative_np(condition, mutex, &relative)
                #else
                    var absolute = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                    pthread_cond_timedwait(condition, mutex, &absolute)
                #endif
            }
        }
    }
}

extension UInt64 {
    /// `self + other`, or `.max` on overflow.
    fileprivate func addingClamped(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
