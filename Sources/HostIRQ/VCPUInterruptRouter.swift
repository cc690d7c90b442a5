/// Where a VCPU is, as far as delivering an interrupt to it is concerned.
public enum VCPULocation: Sendable, Equatable, CustomStringConvertible {
    /// Outside the guest (runnable, loaded, or handling an exit): it sees new interrupts at its
    /// next entry, nothing needs to be done.
    case notInGuest
    /// Running guest code on a physical CPU: a new interrupt needs a kick to that CPU.
    case inGuest(CPUID)
    /// Kicked (or otherwise bound to exit) but not yet out of the guest on that CPU: a further
    /// kick is unnecessary.
    case exiting(CPUID)
    /// Blocked in WFI: a new interrupt must wake it.
    case blockedInWFI

    /// `in the guest on CPU 1`.
    public var description: String {
        switch self {
        case .notInGuest: "not in the guest"
        case .inGuest(let cpu): "in the guest on \(cpu)"
        case .exiting(let cpu): "exiting the guest on \(cpu)"
        case .blockedInWFI: "blocked in WFI"
        }
    }
}

/// Decides how a newly pending virtual interrupt reaches its VCPU, following KVM's
/// `kvm_vcpu_kick`: a VCPU in the guest elsewhere is kicked once (and marked exiting, so further
/// injections before it exits send no second kick); a blocked VCPU is woken; otherwise the
/// interrupt waits for the next entry.
///
/// A pure state machine; the runtime drives the location events through
/// ``VirtualInterruptController``.
public struct VCPUInterruptRouter: Sendable, Equatable {
    /// The VCPU's current location.
    public private(set) var location: VCPULocation

    /// A router for a VCPU that is not in the guest.
    public init(location: VCPULocation = .notInGuest) { self.location = location }

    /// Location changes and the delivery request.
    public enum Event: Sendable, Equatable, CustomStringConvertible {
        /// Enter the guest on a physical CPU.
        case enterGuest(CPUID)
        /// Leave the guest (an exit completed).
        case exitGuest
        /// Block in WFI.
        case blockInWFI
        /// Stop blocking (woken for a reason other than an interrupt).
        case unblock
        /// A virtual interrupt became pending for this VCPU.
        case deliver

        /// `enter the guest on CPU 1`.
        public var description: String {
            switch self {
            case .enterGuest(let cpu): "enter the guest on \(cpu)"
            case .exitGuest: "exit the guest"
            case .blockInWFI: "block in WFI"
            case .unblock: "unblock"
            case .deliver: "receive an interrupt"
            }
        }
    }

    /// What the router did.
    public enum Action: Sendable, Equatable {
        /// The VCPU entered the guest.
        case entered
        /// The VCPU left the guest.
        case exited
        /// The VCPU is blocked in WFI.
        case blocked
        /// The VCPU stopped blocking.
        case unblocked
        /// Send the kick SGI to this CPU: the VCPU runs there.
        case kick(CPUID)
        /// Wake the blocked VCPU.
        case wake
        /// Nothing to do: the VCPU sees the interrupt at its next entry.
        case nothingToDo
        /// The VCPU was already kicked and is exiting: no second kick (harmless, counted).
        case kickFoundVCPUExiting(CPUID)
        /// The event does not apply where the VCPU is; nothing changed.
        case notAllowed(from: VCPULocation)
    }

    /// Applies an event and says what to do.
    public mutating func handle(_ event: Event) -> Action {
        switch (event, location) {
        case (.enterGuest(let cpu), .notInGuest):
            location = .inGuest(cpu)
            return .entered
        case (.exitGuest, .inGuest), (.exitGuest, .exiting):
            location = .notInGuest
            return .exited
        case (.blockInWFI, .notInGuest):
            location = .blockedInWFI
            return .blocked
        case (.unblock, .blockedInWFI):
            location = .notInGuest
            return .unblocked
        case (.deliver, .notInGuest):
            return .nothingToDo
        case (.deliver, .inGuest(let cpu)):
            location = .exiting(cpu)
            return .kick(cpu)
        case (.deliver, .exiting(let cpu)):
            return .kickFoundVCPUExiting(cpu)
        case (.deliver, .blockedInWFI):
            location = .notInGuest
            return .wake
        default:
            return .notAllowed(from: location)
        }
    }
}
