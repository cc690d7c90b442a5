#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `pthread_mutex` guarding a value: the lock of HostIRQ's cross-thread state, and of the
/// runtime's run-wide state (scheduler loads, checker registry, a run's results).
///
/// Critical sections are short and never wait for an event, call a handler or a callback.
/// `pthread_mutex` rather than `Synchronization.Mutex`, because ThreadSanitizer reported false
/// positives inside `Mutex` under contention (reference/swift-executors.md, pitfall 6).
///
/// `@unchecked Sendable` is safe: `state` is read and written only inside `withLock`, between
/// `pthread_mutex_lock` and `pthread_mutex_unlock` on the one mutex; the two pointers are set in
/// `init`, never changed, and freed only in `deinit`, when no other reference exists.
///
/// The state lives behind a pointer rather than in a stored property: the mutex already makes
/// every access exclusive, and a class's stored property would add the runtime's exclusivity
/// check (a `swift_beginAccess`/`swift_endAccess` pair) to every `withLock`, several per exit.
public final class PThreadMutex<State: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let state: UnsafeMutablePointer<State>

    /// A mutex guarding `initial`.
    public init(_ initial: State) {
        state = .allocate(capacity: 1)
        state.initialize(to: initial)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let rc = pthread_mutex_init(mutex, nil)
        precondition(rc == 0, "pthread_mutex_init failed: \(rc)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Runs `body` with exclusive access to the state.
    public func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
