#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Threads of a stress campaign, each running simulations one after another: a simulated run
/// blocks the thread that calls `SimulatedPlatform.run()`, so each worker is a thread of its own
/// (never a task of the global executor, which a blocked simulator would starve).
struct WorkerThreads {
    private let threads: [pthread_t]

    /// Starts `count` threads, thread `i` running `body(i)`.
    init(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        threads = (0..<count).map { index in startThread { body(index) } }
    }

    /// Waits for every thread to end.
    func join() {
        for thread in threads { joinThread(thread) }
    }

    /// Sleeps the calling thread (the campaign's own, never a worker or the model) for `nanoseconds`.
    static func pause(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
