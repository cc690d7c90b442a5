/// `ID_AA64DFR0_EL1.PMSVer`, bits [35:32]: the SPE version implemented.
public struct PMSVersion: EncodedField {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// SPE is not implemented (what a VM without SPE sees).
    public static let notImplemented = PMSVersion(rawValue: 0b0000)
    /// FEAT_SPE.
    public static let spe = PMSVersion(rawValue: 0b0001)
    /// FEAT_SPEv1p1.
    public static let v1p1 = PMSVersion(rawValue: 0b0010)
    /// FEAT_SPEv1p2, what the model implements.
    public static let v1p2 = PMSVersion(rawValue: 0b0011)
    /// FEAT_SPEv1p3.
    public static let v1p3 = PMSVersion(rawValue: 0b0100)
    /// FEAT_SPEv1p4.
    public static let v1p4 = PMSVersion(rawValue: 0b0101)
    /// FEAT_SPEv1p5, the cap KVM applies.
    public static let v1p5 = PMSVersion(rawValue: 0b0110)

    /// The architected values with their names, for the register table.
    public static let named: [(value: PMSVersion, name: String)] = [
        (.notImplemented, "notImplemented"),
        (.spe, "spe"),
        (.v1p1, "v1p1"),
        (.v1p2, "v1p2"),
        (.v1p3, "v1p3"),
        (.v1p4, "v1p4"),
        (.v1p5, "v1p5"),
    ]

}
