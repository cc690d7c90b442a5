extension MDCR_EL2 {
    /// This value with `E2PB` set to `owner`.
    public func with(E2PB owner: BufferOwner) -> MDCR_EL2 {
        var copy = self
        copy.E2PB = owner
        return copy
    }
}

extension ID_AA64DFR0_EL1 {
    /// This value with `PMSVer` set to `version`.
    public func with(PMSVer version: PMSVersion) -> ID_AA64DFR0_EL1 {
        var copy = self
        copy.PMSVer = version
        return copy
    }
}
