/// The hardware identification of an SPE unit: its `PMSIDR_EL1` and `PMBIDR_EL1`.
public struct SPEIdentification: Hashable, Sendable {
    public var PMSIDR: PMSIDR_EL1
    public var PMBIDR: PMBIDR_EL1

    public init(PMSIDR: PMSIDR_EL1, PMBIDR: PMBIDR_EL1) {
        self.PMSIDR = PMSIDR
        self.PMBIDR = PMBIDR
    }

    /// **Model decision (SPE.md §2):** `FE`, `FT`, `FL`, `FnE` set; `ArchInst`, `LDS`, `ERnd` clear;
    /// `Interval` 0 (256); `MaxSize` 6 (64-byte records); `CountSize` 0b0010. `PMBIDR_EL1`: `Align` 6,
    /// `F` 1, `P` 0, `MaxBuffSize` 0.
    public static let modelDefault: SPEIdentification = {
        var sidr = PMSIDR_EL1(rawValue: 0)
        sidr.FE = true
        sidr.FT = true
        sidr.FL = true
        sidr.FnE = true
        sidr.Interval = 0
        sidr.MaxSize = 6
        sidr.CountSize = 0b0010
        var bidr = PMBIDR_EL1(rawValue: 0)
        bidr.Align = 6
        bidr.F = true
        return SPEIdentification(PMSIDR: sidr, PMBIDR: bidr)
    }()
}
