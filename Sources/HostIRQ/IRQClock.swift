import Synchronization

/// The time source of HostIRQ: nanoseconds from an arbitrary origin, never decreasing.
///
/// HostIRQ reads time only through this protocol (for the injection→delivery latency of virtual
/// interrupts), so the deterministic platform can supply its virtual clock.
public protocol IRQClock: Sendable {
    /// The current time in nanoseconds.
    func now() -> UInt64
}

/// A clock that moves only when told to: for tests and deterministic simulation.
public final class ManualIRQClock: IRQClock {
    private let nanoseconds: Atomic<UInt64>
    /// A clock reading `start` nanoseconds.
    public init(start: UInt64 = 0) { nanoseconds = Atomic(start) }
    /// The current reading.
    public func now() -> UInt64 { nanoseconds.load(ordering: .acquiring) }
    /// Moves the clock forward by `delta` nanoseconds.
    public func advance(by delta: UInt64) { nanoseconds.add(delta, ordering: .acquiringAndReleasing) }
}
