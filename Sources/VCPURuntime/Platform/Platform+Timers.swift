extension Platform {
    /// Calls `tick` after `delay` nanoseconds of platform time, then again after each delay it
    /// returns, until it returns nil: a housekeeping timer with the rules of ``repeatEvery(_:_:)``
    /// (off the CPUs, thread-safe state only, keeps no run alive) whose intervals vary. Each call is
    /// a one-shot ``repeatEvery(_:_:)`` tick that arms the next one. A delay of 0 is taken as 1.
    public func repeatAfter(_ delay: UInt64, _ tick: @escaping @Sendable () -> UInt64?) {
        repeatEvery(max(1, delay)) { [weak self] in
            if let self, let next = tick() { self.repeatAfter(next, tick) }
            return false
        }
    }
}
