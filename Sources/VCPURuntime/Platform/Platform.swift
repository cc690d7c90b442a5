/// What the model sees of the machine it runs on. Model code uses nothing else for concurrency or
/// time: every task is spawned through ``spawn(on:_:)`` (which sets the CPU as the task's executor
/// preference), time comes only from ``now()``, waiting only through ``sleep(until:on:)`` and
/// ``guestPeriod(on:until:)``, and randomness only from seeded generators.
///
/// Two platforms implement it: ``SimulatedPlatform`` (deterministic, one thread, virtual time) and
/// the live platform (one thread per CPU, the real clock).
public protocol Platform: AnyObject, Sendable {
    /// Number of physical CPUs.
    var cpuCount: Int { get }

    /// The serial executor of `cpu`: actors bound to the CPU return it as their `unownedExecutor`.
    func serialExecutor(cpu: Int) -> UnownedSerialExecutor

    /// The task executor of `cpu`: a task that prefers it runs its nonisolated code and its default
    /// actors' code on that CPU.
    func taskExecutor(cpu: Int) -> any TaskExecutor

    /// Starts a task bound to `cpu` (its executor preference).
    func spawn(on cpu: Int, _ body: @escaping @Sendable () async -> Void)

    /// The platform's time in nanoseconds (virtual on the simulated platform).
    func now() -> UInt64

    /// Suspends the calling task until `deadline`; it resumes on `cpu`, in the caller's isolation.
    func sleep(until deadline: UInt64, on cpu: Int, isolation: isolated (any Actor)?) async

    /// The guest runs on `cpu` until `deadline` or until ``interruptGuest(cpu:)``: no other job of
    /// that CPU runs meanwhile. Returns the time the period ended. The caller (the CPU's own actor)
    /// resumes in its isolation as the CPU's next job, so its exit follows the period directly.
    func guestPeriod(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async -> UInt64

    /// The host keeps `cpu` busy until `deadline` (exit handling): like a guest period, no other job of
    /// the CPU runs meanwhile, but an interrupt does not end it.
    func busy(on cpu: Int, until deadline: UInt64, isolation: isolated (any Actor)?) async

    /// A physical interrupt became deliverable on `cpu`: a guest period there ends now.
    func interruptGuest(cpu: Int)

    /// Whether jobs wait for `cpu` (the host has other work for it: a woken task, a VCPU asking
    /// for the CPU). A VCPU at the end of its slice gives the CPU up only then.
    func hasQueuedJobs(cpu: Int) -> Bool

    /// A new waiter, for a task that blocks until woken or a deadline (a VCPU in WFI).
    func makeWaiter() -> Waiter

    /// Suspends the caller until ``wake(_:)`` or `deadline` (nil: no deadline); true if woken. A
    /// wake that came before the wait is not lost: the wait returns at once.
    func wait(_ waiter: Waiter, until deadline: UInt64?, isolation: isolated (any Actor)?) async -> Bool

    /// Wakes `waiter` (now, or at its next wait). Safe from any job.
    func wake(_ waiter: Waiter)

    /// Ends the run as soon as the platform can (a rule broke). Safe from any job.
    func stop()

    /// Calls `tick` every `interval` nanoseconds of platform time, from outside the physical CPUs
    /// (a housekeeping timer, never a job of a CPU, so a CPU busy in a guest does not delay it),
    /// until it returns false. `tick` must only touch thread-safe state (atomics, HostIRQ). It
    /// does not keep a run alive: with no task left the run ends.
    func repeatEvery(_ interval: UInt64, _ tick: @escaping @Sendable () -> Bool)

    /// Stops the run when the platform's time would pass `limit`.
    func setTimeLimit(_ limit: UInt64)

    /// Runs the spawned tasks, blocking the calling thread, until every task finished, nothing can
    /// run any more, the model asked to stop, or the time limit passed.
    func run() -> PlatformOutcome
}

/// How a platform's run ended.
public enum PlatformOutcome: Hashable, Sendable {
    /// Every task finished.
    case finished
    /// Tasks are alive, nothing can run, and no timer or guest period is pending.
    case deadlock(liveTasks: Int)
    /// The platform's time reached the run's limit with tasks still alive.
    case timeLimit(liveTasks: Int)
    /// Jobs kept running without virtual time advancing (a livelock in the model; simulated only).
    case livelock(liveTasks: Int)
    /// The model asked to stop (a rule broke).
    case stopped(liveTasks: Int)
}

/// A handle a task waits on; see ``Platform/wait(_:until:isolation:)``.
public struct Waiter: Hashable, Sendable {
    public let id: Int
    public init(id: Int) { self.id = id }
}

// The wrappers are inlined into their callers: each is otherwise one more async frame and
// executor hop per exit (the runtime asks the task's preferred executor under a lock every hop).
extension Platform {
    /// Suspends the calling task until `deadline`, resuming in the caller's isolation.
    @inline(__always)
    public func sleep(until deadline: UInt64, on cpu: Int, caller: isolated (any Actor)? = #isolation) async {
        await sleep(until: deadline, on: cpu, isolation: caller)
    }

    /// Waits on `waiter`, resuming in the caller's isolation.
    @inline(__always)
    public func wait(_ waiter: Waiter, until deadline: UInt64?, caller: isolated (any Actor)? = #isolation) async -> Bool {
        await wait(waiter, until: deadline, isolation: caller)
    }

    /// Keeps `cpu` busy, resuming in the caller's isolation.
    @inline(__always)
    public func busy(on cpu: Int, until deadline: UInt64, caller: isolated (any Actor)? = #isolation) async {
        await busy(on: cpu, until: deadline, isolation: caller)
    }

    /// Runs a guest period, resuming in the caller's isolation.
    @inline(__always)
    public func guestPeriod(on cpu: Int, until deadline: UInt64, caller: isolated (any Actor)? = #isolation) async -> UInt64 {
        await guestPeriod(on: cpu, until: deadline, isolation: caller)
    }
}
