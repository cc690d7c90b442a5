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
