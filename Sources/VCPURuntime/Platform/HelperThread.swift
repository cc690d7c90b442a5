#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` on a new thread and waits for it. Model code never does this; only the
/// `work-off-platform` mutation does, to prove the simulator counts work that escapes it.
func runOnHelperThread(_ body: @escaping @Sendable () -> Void) {
    joinThread(startThread(body))
}

/// Starts a thread that runs `body` (the live platform's CPU threads, the helper thread above).
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    #if canImport(Darwin)
        var thread: pthread_t?
    #else
        var thread = pthread_t()
    #endif
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    let rc = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    #if canImport(Darwin)
        return thread!
    #else
        return thread
    #endif
}

/// Waits for `thread` to end.
func joinThread(_ thread: pthread_t) {
    let rc = pthread_join(thread, nil)
    precondition(rc == 0, "pthread_join failed: \(rc)")
}
