/// A broken rule: which, where, at which event, and what was seen.
public struct SPEViolation: Hashable, Sendable, CustomStringConvertible {
    public let rule: SPERule
    public let cpu: Int
    public let vcpu: VCPUID?
    /// The index of the event (counted per CPU) at which the checker saw it.
    public let event: UInt64
    public let detail: String

    public var description: String {
        "\(rule) on cpu\(cpu)\(vcpu.map { " \($0)" } ?? "") at event \(event): \(detail)"
    }
}

/// The checker's view of one VCPU, carried in its context from CPU to CPU, so a change made to
/// the VCPU's registers without an event is caught wherever the VCPU runs next.
public struct VCPUAudit: Hashable, Sendable {
    /// What the checker last saw of the in-memory registers, line and pin (nil before the first entry).
    var memory: BufferRegisters?
    var virtualLine = false
    var pinned: Range<UInt64>?
    /// The guest's sampling controls as hardware held them when it last exited.
    var controlsAtExit: SamplingControls?
    /// Whether the buffer was enabled (and pinned) at the last entry.
    var enabledAtEntry = false

    public init() {}
}
