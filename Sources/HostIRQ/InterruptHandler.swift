/// What an interrupt handler found.
public enum HandlerResult: Sendable, Equatable {
    /// The handler found work and did it.
    case handled
    /// The handler found nothing to do: the interrupt is counted as spurious.
    case nothingToDo
}

/// A handler for one interrupt on one physical CPU, called with the CPU and the acknowledged
/// INTID, after acknowledge and before end-of-interrupt, with no lock held.
public typealias InterruptHandler = @Sendable (CPUID, INTID) -> HandlerResult

/// How an acknowledged interrupt was dealt with by ``CPUInterface/takeInterrupt()``.
public enum HandlerOutcome: Sendable, Equatable {
    /// The handler did work.
    case handled
    /// The handler found nothing to do (spurious).
    case nothingToDo
    /// No handler is registered (spurious).
    case noHandler

    /// Whether this counts as a spurious interrupt.
    public var isSpurious: Bool { self != .handled }
}

/// The result of ``CPUInterface/takeInterrupt()``.
public enum TakeOutcome: Sendable, Equatable {
    /// Acknowledge returned 1023: nothing pending and deliverable.
    case nothingPending
    /// One interrupt was acknowledged, handled (or found spurious) and ended.
    /// `rePended` says it was pending again after end-of-interrupt.
    case taken(INTID, HandlerOutcome, rePended: Bool)
}

/// Why a CPU's wake callback was called.
public enum CPUWakeReason: Sendable, Equatable {
    /// A guest runs on the CPU: the pending physical interrupt forces its exit.
    case guestMustExit
    /// No guest runs: the CPU (idle or in the host) has an interrupt to take.
    case interruptPending
}

/// Called (with no lock held) when a CPU goes from nothing deliverable to something deliverable.
public typealias CPUWakeCallback = @Sendable (CPUID, CPUWakeReason) -> Void

/// The result of a physical end-of-interrupt.
public enum EOIResult: Sendable, Equatable {
    /// The interrupt is inactive and not pending.
    case deactivated
    /// The interrupt is pending again (a level still high, or an edge raised while active).
    case rePended
}

/// What a guest entry on a physical CPU found.
public enum GuestEntryResult: Sendable, Equatable {
    /// The CPU is now running a guest.
    case entered
    /// A physical interrupt is pending and deliverable: take it first, then enter.
    case interruptPending
}
