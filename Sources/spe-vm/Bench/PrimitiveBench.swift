#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VCPURuntime

/// The platform's primitives, timed the way the model uses them: an actor bound to a CPU's
/// executor called from a task that prefers a CPU.
enum PrimitiveBench {
    /// An actor bound to one CPU's serial executor, like the model's per-CPU actors.
    actor Bound {
        nonisolated let unownedExecutor: UnownedSerialExecutor
        private var calls = 0

        init(_ platform: any Platform, cpu: Int) { unownedExecutor = platform.serialExecutor(cpu: cpu) }

        func ping() -> Int {
            calls += 1
            return calls
        }
    }

    /// Wall nanoseconds per call of a task on CPU `from` to an actor bound to CPU `to`, `calls`
    /// times (a round trip: there and back when the CPUs differ).
    static func roundTrip(on platform: any Platform, from: Int, to: Int, calls: Int) -> Double {
        let target = Bound(platform, cpu: to)
        platform.spawn(on: from) {
            for _ in 0..<calls { _ = await target.ping() }
        }
        let seconds = WallClock.seconds { _ = platform.run() }
        return seconds * 1e9 / Double(calls)
    }
}

/// The wall clock, for benchmarks only (model code never reads it).
enum WallClock {
    /// Seconds `body` took.
    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let elapsed = start.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// The process's peak resident set, in bytes (`getrusage`; Linux reports KiB).
    static var peakResidentBytes: UInt64 {
        var usage = rusage()
        #if canImport(Darwin)
            getrusage(RUSAGE_SELF, &usage)
            return UInt64(usage.ru_maxrss)
        #else
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return UInt64(usage.ru_maxrss) * 1024
        #endif
    }
}
