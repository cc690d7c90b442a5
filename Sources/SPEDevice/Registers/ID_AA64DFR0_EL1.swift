/// `ID_AA64DFR0_EL1`: AArch64 Debug Feature Register 0: only PMSVer is modelled; the other bits are RES0 in the model.
public struct ID_AA64DFR0_EL1: SystemRegister {
    public static let id = SPERegisterID.ID_AA64DFR0_EL1
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Bit positions, from the Arm ARM.
    public enum Layout {
        public static let PMSVer = BitField(35, 32)
    }

    public static let spec = RegisterSpec(
        name: "ID_AA64DFR0_EL1", encoding: SystemRegisterEncoding(3, 0, 0, 5, 0), access: .readOnly,
        fields: [
            .res0(63, 36),
            .field("PMSVer", Layout.PMSVer, "Statistical Profiling Extension version", encodings: PMSVersion.encodings),
            .res0(31, 0),
        ])

    /// `PMSVer`[35:32]: Statistical Profiling Extension version.
    public var PMSVer: PMSVersion {
        get { PMSVersion(rawValue: UInt8(self[Layout.PMSVer])) }
        set { self[Layout.PMSVer] = UInt64(newValue.rawValue) }
    }
}
