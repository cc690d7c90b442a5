import SPEDevice

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
        case .all: "every sample is recorded"
        case .loads, .stores, .branches: "a type filter keeps only \(rawValue), where PMSIDR_EL1.FT is shown"
        case .discard: "discard mode, samples are taken and nothing is written"
        }
    }
}
