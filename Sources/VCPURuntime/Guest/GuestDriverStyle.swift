import SPEDevice

/// The order in which a guest's SPE driver re-arms its buffer after a buffer-full interrupt
/// (`--guest-driver`). Both read `PMBSR_EL1` first and consume the records up to `PMBPTR_EL1`.
public enum GuestDriverStyle: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// DEN0154's order: clear `PMBLIMITR_EL1.E`, read `PMBPTR_EL1`, consume, write 0 to
    /// `PMBSR_EL1`, reset `PMBPTR_EL1`, set `E` again. The enable edge is the last write.
    case den0154
    /// The order of Linux's driver before its 2025 fix: read `PMBPTR_EL1`, consume, reset
    /// `PMBPTR_EL1` and write `PMBLIMITR_EL1` with `E` set while `S` is still 1, and clear `S` last.
    /// DEN0154 forbids the two writes made with `E` set; KVM takes them as the architecture does
    /// and counts them (driver-order violations). The enable edge is the `PMBSR_EL1` write, and the
    /// `PMBLIMITR_EL1` write before it sets `E` on a stopped buffer. After a fault it stops
    /// profiling as ``den0154`` does.
    case legacy

    public var description: String { rawValue }

    /// What the style does, for `--help`.
    public var summary: String {
        switch self {
        case .den0154: "DEN0154's order: disable, consume, clear S, reset the pointer, enable"
        case .legacy: "Linux's order before 2025: consume, reset the pointer and set E with S still 1, clear S last"
        }
    }
}

/// What a guest's SPE driver asks of the unit (`--guest-sampling`), as `perf record -e arm_spe//`
/// terms do: every operation, one type of operation (`load_filter`, `store_filter`,
/// `branch_filter`: `PMSFCR_EL1.FT` with `LD`, `ST` or `B`), or discard mode (`discard`:
/// `PMBLIMITR_EL1.FM`, samples taken and dropped, nothing written, the buffer never fills).
public enum GuestSampling: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case all
    case loads
    case stores
    case branches
    case discard

    public var description: String { rawValue }

    /// What the guest's driver writes to `PMSFCR_EL1` for this sampling: 0 without a type filter.
    public var filterControl: UInt64 {
        var fcr = PMSFCR_EL1(rawValue: 0)
        switch self {
        case .all, .discard: return fcr.rawValue
        case .loads: fcr.LD = true
        case .stores: fcr.ST = true
        case .branches: fcr.B = true
        }
        fcr.FT = true
        return fcr.rawValue
    }

    /// Whether the driver needs `PMSIDR_EL1.FT` (it reads `PMSIDR_EL1` first, and profiles every
    /// operation when its VM hides type filtering).
    public var needsTypeFilter: Bool { filterControl != 0 }

    /// What the sampling does, for `--help`.
    public var summary: String {
        switch self {
        case .all: "every sampled operation is recorded"
        case .loads, .stores, .branches: "only \(rawValue) are recorded (PMSFCR_EL1.FT); the rest are dropped as filtered"
        case .discard: "discard mode (PMBLIMITR_EL1.FM): samples are taken and dropped, nothing is written"
        }
    }
}
