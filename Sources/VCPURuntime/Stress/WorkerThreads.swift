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
final class WorkerThreads {
    private var threads: [pthread_t] = []

    /// Starts `count` threads, thread `i` running `body(i)`.
    init(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        for index in 0..<count {
            let box = Unmanaged.passRetained(Box { body(index) }).toOpaque()
            #if canImport(Darwin)
                var thread: pthread_t?
            #else
                var thread = pthread_t()
            #endif
            let rc = pthread_create(&thread, nil, { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box)
            precondition(rc == 0, "pthread_create failed: \(rc)")
            #if canImport(Darwin)
                threads.append(thread!)
            #else
                threads.append(thread)
            #endif
        }
    }

    /// Waits for every thread to end.
    func join() {
        for thread in threads { pthread_join(thread, nil) }
        threads = []
    }

    /// Sleeps the calling thread (the campaign's own, never a worker or the model) for `nanoseconds`.
    static func pause(nanoseconds: UInt64) {
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
