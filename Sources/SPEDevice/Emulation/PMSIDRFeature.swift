/// A feature of `PMSIDR_EL1` a VMM may hide from a VM (the guest's `PMSIDR_EL1` then reads it as 0).
public enum PMSIDRFeature: String, CaseIterable, Hashable, Sendable {
    case FE, FT, FL, FnE, ArchInst, LDS, ERnd

    /// The feature's bit in `PMSIDR_EL1`.
    public var bit: BitField {
        switch self {
        case .FE: PMSIDR_EL1.Layout.FE
        case .FT: PMSIDR_EL1.Layout.FT
        case .FL: PMSIDR_EL1.Layout.FL
        case .FnE: PMSIDR_EL1.Layout.FnE
        case .ArchInst: PMSIDR_EL1.Layout.ArchInst
        case .LDS: PMSIDR_EL1.Layout.LDS
        case .ERnd: PMSIDR_EL1.Layout.ERnd
        }
    }

    /// The `PMSFCR_EL1` control that uses the feature, if it is a filter.
    public var filterControl: BitField? {
        switch self {
        case .FE: PMSFCR_EL1.Layout.FE
        case .FT: PMSFCR_EL1.Layout.FT
        case .FL: PMSFCR_EL1.Layout.FL
        case .FnE: PMSFCR_EL1.Layout.FnE
        default: nil
        }
    }

    /// The feature named `name` (case-insensitive).
    public static func named(_ name: String) throws(SPEDeviceError) -> PMSIDRFeature {
        guard let found = allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw .unknownFeature(name)
        }
        return found
    }
}
