#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization

/// A real thread for the concurrency tests (the module itself never creates threads).
struct TestThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    #if canImport(Darwin)
        private var handle: pthread_t?
    #else
        private var handle = pthread_t()
    #endif

    /// Starts a thread running `body`.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(
            &handle, nil,
            { raw in
                Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Waits for the thread to finish.
    func join() {
        #if canImport(Darwin)
            pthread_join(handle!, nil)
        #else
            pthread_join(handle, nil)
        #endif
    }
}

/// A condition a thread waits on until a predicate holds; `ring` wakes it.
///
/// `@unchecked Sendable` is safe: its only state is the mutex and the condition variable, set in
/// `init` and never reassigned, and used only through pthread calls, which are thread-safe.
final class Doorbell: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Wakes the waiter (after whatever the predicate reads was published).
    func ring() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Blocks until `ready()` is true; `ready` must become true only before a `ring`.
    func wait(until ready: () -> Bool) {
        pthread_mutex_lock(mutex)
        while !ready() { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
    }
}

/// An atomic counter that can live in an array.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment(by n: Int = 1) { value.add(n, ordering: .acquiringAndReleasing) }
    var current: Int { value.load(ordering: .acquiring) }
}
