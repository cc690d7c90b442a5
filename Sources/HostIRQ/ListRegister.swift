/// `ICH_LR<n>_EL2`: one list register, the guest-visible copy of one virtual interrupt during a
/// guest period.
///
/// Filled on entry by ``VirtualInterruptController/enterGuest(on:)``; the guest's acknowledge and
/// end-of-interrupt act on it; read back and cleared on exit. While the guest runs, the
/// hypervisor never writes a list register (as on hardware): a level change made meanwhile takes
/// effect at the next entry.
public struct ListRegister: Sendable, Equatable {
    /// The state field of a list register.
    public enum State: Sendable, Equatable {
        /// The guest may acknowledge it.
        case pending
        /// Acknowledged by the guest, not yet ended.
        case active
        /// Ended by the guest (or empty).
        case invalid
    }

    /// The virtual interrupt.
    public var intid: INTID
    /// Its priority.
    public var priority: Priority
    /// Its state as the guest sees it.
    public var state: State
    /// The `HW` bit: the virtual interrupt is linked to a physical one, whose deactivation the
    /// guest's end-of-interrupt performs.
    public var hwLinked: Bool
    /// The `EOI` bit: the guest's end-of-interrupt of it raises a maintenance interrupt (set for
    /// a level interrupt without hardware link, so the hypervisor re-evaluates the level).
    public var requestsEOIMaintenance: Bool

    /// A list register.
    public init(intid: INTID, priority: Priority, state: State, hwLinked: Bool, requestsEOIMaintenance: Bool) {
        self.intid = intid
        self.priority = priority
        self.state = state
        self.hwLinked = hwLinked
        self.requestsEOIMaintenance = requestsEOIMaintenance
    }
}
