/// The state of one interrupt as the GIC keeps it: line or latch, pending, active, enabled.
///
/// A pure state machine: ``handle(_:)`` takes an ``Event`` and returns what it did as an
/// ``Action``; refusals are explicit (``Action/refused(_:)``) and leave the state unchanged.
/// ``CPUInterface`` (physical) and ``VirtualInterruptController`` (virtual) both wrap it, so
/// physical and virtual interrupts follow the same rules:
///
/// - Level: pending exactly while the line is high. Lowered before acknowledge, it is no longer
///   pending (``Action/cancelled``); still high at end-of-interrupt, it is pending again
///   (``Action/rePended``).
/// - Edge: a raise latches pending; raises while pending merge (``Action/merged``); a raise while
///   active is remembered (``Action/pendingWhileActive``) and re-pends at end-of-interrupt.
/// - Acknowledge needs pending, enabled and not active; it makes the interrupt active (and for an
///   edge, consumes the latch).
public struct InterruptState: Sendable, Equatable {
    /// Level or edge.
    public private(set) var trigger: Trigger
    /// Whether the interrupt may be delivered. Pending state is kept while disabled.
    public private(set) var isEnabled: Bool
    /// The input line (level interrupts only; always false for edge).
    public private(set) var lineHigh: Bool
    /// An edge seen and not yet acknowledged (edge interrupts only).
    public private(set) var edgeLatched: Bool
    /// Acknowledged and not yet ended.
    public internal(set) var isActive: Bool

    /// A fresh, inactive, not pending interrupt.
    public init(trigger: Trigger, enabled: Bool = true) {
        self.trigger = trigger
        self.isEnabled = enabled
        self.lineHigh = false
        self.edgeLatched = false
        self.isActive = false
    }

    /// Pending: the line is high (level) or an edge is latched (edge).
    public var isPending: Bool { trigger == .level ? lineHigh : edgeLatched }
    /// Pending, enabled and not active: an acknowledge may take it (subject to priorities).
    public var isReadyToAcknowledge: Bool { isEnabled && isPending && !isActive }
    /// Neither pending nor active.
    public var isIdle: Bool { !isPending && !isActive }

    /// What can happen to an interrupt.
    public enum Event: Sendable, Equatable {
        /// Drive the line of a level interrupt.
        case setLine(high: Bool)
        /// Signal one edge of an edge interrupt.
        case pulse
        /// The CPU acknowledges it: pending becomes active.
        case acknowledge
        /// The CPU ends it: active is cleared (and a level still high pends again).
        case endOfInterrupt
        /// Enable or disable delivery.
        case setEnabled(Bool)
    }

    /// What an event did.
    public enum Action: Sendable, Equatable {
        /// It was idle and is now pending.
        case becamePending
        /// It was active and is now also pending: it will be taken again after end-of-interrupt.
        case pendingWhileActive
        /// An edge while already pending: merged into the pending one.
        case merged
        /// The line was set to the level it already had.
        case lineUnchanged
        /// A level lowered while pending and not yet acknowledged: no longer pending.
        case cancelled
        /// A level lowered while active: it will not pend again at end-of-interrupt.
        case lowered
        /// Pending became active.
        case acknowledged
        /// Active cleared; nothing pending.
        case deactivated
        /// Active cleared and it is pending again (level still high, or an edge came meanwhile).
        case rePended
        /// Enable state changed (or was already so).
        case configured
        /// The event does not apply in this state; nothing changed.
        case refused(Refusal)
    }

    /// Why an event was refused.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        /// `setLine` on an edge interrupt or `pulse` on a level one.
        case wrongTrigger(Trigger)
        /// Acknowledge of an interrupt that is not pending.
        case notPending
        /// Acknowledge of an interrupt that is already active.
        case alreadyActive
        /// Acknowledge of a disabled interrupt.
        case disabled
        /// End-of-interrupt of an interrupt that is not active.
        case notActive

        /// What was refused.
        public var description: String {
            switch self {
            case .wrongTrigger(let t): "the interrupt is \(t)-triggered"
            case .notPending: "the interrupt is not pending"
            case .alreadyActive: "the interrupt is already active"
            case .disabled: "the interrupt is disabled"
            case .notActive: "the interrupt is not active"
            }
        }
    }

    /// Applies `event` and says what it did.
    public mutating func handle(_ event: Event) -> Action {
        switch event {
        case .setLine(let high):
            guard trigger == .level else { return .refused(.wrongTrigger(trigger)) }
            guard high != lineHigh else { return .lineUnchanged }
            lineHigh = high
            if high { return isActive ? .pendingWhileActive : .becamePending }
            return isActive ? .lowered : .cancelled
        case .pulse:
            guard trigger == .edge else { return .refused(.wrongTrigger(trigger)) }
            guard !edgeLatched else { return .merged }
            edgeLatched = true
            return isActive ? .pendingWhileActive : .becamePending
        case .acknowledge:
            guard isPending else { return .refused(.notPending) }
            guard !isActive else { return .refused(.alreadyActive) }
            guard isEnabled else { return .refused(.disabled) }
            isActive = true
            if trigger == .edge { edgeLatched = false }
            return .acknowledged
        case .endOfInterrupt:
            guard isActive else { return .refused(.notActive) }
            isActive = false
            return isPending ? .rePended : .deactivated
        case .setEnabled(let on):
            isEnabled = on
            return .configured
        }
    }
}
