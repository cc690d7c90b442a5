/// The sampling-control registers a guest accesses directly in hardware. They are the owner's
/// context: the device saves and loads them whenever the CPU changes hands.
public struct SamplingControls: Hashable, Sendable {
    public var PMSCR: PMSCR_EL1
    public var PMSICR: PMSICR_EL1
    public var PMSIRR: PMSIRR_EL1
    public var PMSFCR: PMSFCR_EL1
    public var PMSEVFR: PMSEVFR_EL1
    public var PMSLATFR: PMSLATFR_EL1
    public var PMSNEVFR: PMSNEVFR_EL1

    /// All registers at reset (zero).
    public init() {
        PMSCR = .init(rawValue: 0)
        PMSICR = .init(rawValue: 0)
        PMSIRR = .init(rawValue: 0)
        PMSFCR = .init(rawValue: 0)
        PMSEVFR = .init(rawValue: 0)
        PMSLATFR = .init(rawValue: 0)
        PMSNEVFR = .init(rawValue: 0)
    }

    /// The raw value of `id`, if it is a sampling-control register.
    public subscript(id: SPERegisterID) -> UInt64? {
        switch id {
        case .PMSCR_EL1: PMSCR.rawValue
        case .PMSICR_EL1: PMSICR.rawValue
        case .PMSIRR_EL1: PMSIRR.rawValue
        case .PMSFCR_EL1: PMSFCR.rawValue
        case .PMSEVFR_EL1: PMSEVFR.rawValue
        case .PMSLATFR_EL1: PMSLATFR.rawValue
        case .PMSNEVFR_EL1: PMSNEVFR.rawValue
        default: nil
        }
    }

    /// Sets `id` to `raw` with its RES0 bits cleared; false if `id` is not a sampling control.
    @discardableResult
    public mutating func set(_ id: SPERegisterID, _ raw: UInt64) -> Bool {
        switch id {
        case .PMSCR_EL1: PMSCR = .init(masking: raw)
        case .PMSICR_EL1: PMSICR = .init(masking: raw)
        case .PMSIRR_EL1: PMSIRR = .init(masking: raw)
        case .PMSFCR_EL1: PMSFCR = .init(masking: raw)
        case .PMSEVFR_EL1: PMSEVFR = .init(masking: raw)
        case .PMSLATFR_EL1: PMSLATFR = .init(masking: raw)
        case .PMSNEVFR_EL1: PMSNEVFR = .init(masking: raw)
        default: return false
        }
        return true
    }
}

/// The three buffer registers an owner programs: what the device saves and restores for the host,
/// and what KVM keeps in memory for a VCPU.
public struct BufferRegisters: Hashable, Sendable, CustomStringConvertible {
    public var PMBLIMITR: PMBLIMITR_EL1
    public var PMBPTR: PMBPTR_EL1
    public var PMBSR: PMBSR_EL1

    public init(
        PMBLIMITR: PMBLIMITR_EL1 = .init(rawValue: 0), PMBPTR: PMBPTR_EL1 = .init(rawValue: 0),
        PMBSR: PMBSR_EL1 = .init(rawValue: 0)
    ) {
        self.PMBLIMITR = PMBLIMITR
        self.PMBPTR = PMBPTR
        self.PMBSR = PMBSR
    }

    /// `kvm_spe_profiling_buffer_enabled()` on these values: `E == 1` and `S == 0` (the owner being
    /// right is the caller's part).
    public var isEnabled: Bool { PMBLIMITR.E && !PMBSR.S }

    /// The address of the first byte after the buffer.
    public var limitAddress: UInt64 { PMBLIMITR.LIMIT << 12 }

    public var description: String { "\(PMBLIMITR) \(PMBPTR) \(PMBSR)" }
}
