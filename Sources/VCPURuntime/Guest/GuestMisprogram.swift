/// A bad buffer a guest's SPE driver can enable (the `guest-misprogram` fault): each fails one of
/// KVM's enable-edge checks (SPE.md §5 "Enabling the buffer"), which injects a management event.
public enum GuestMisprogram: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// `PMBPTR_EL1` not a multiple of the record alignment: KVM injects buffer-filled
    /// (``SPEDevice/EnableRefusal/misprogrammed``).
    case misaligned
    /// `LIMIT - PMBPTR` beyond `PMBIDR_EL1.MaxBuffSize`: KVM injects buffer-too-large
    /// (``SPEDevice/EnableRefusal/tooLarge``). Only a VM with a maximum buffer size can refuse it; a
    /// driver that read no maximum enables a misaligned buffer instead.
    case oversized
    /// A buffer the guest never mapped in its stage 1: KVM injects a stage-1 data abort
    /// (``SPEDevice/EnableRefusal/stage1Unmapped``).
    case unmapped

    public var description: String { rawValue }
}
