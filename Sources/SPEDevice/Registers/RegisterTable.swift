/// The one register table of the model, written from the Arm ARM (DDI0487) for the SPEv1p2
/// feature set: every SPE register plus `MDCR_EL2` (`E2PB`, `TPMS`) and `ID_AA64DFR0_EL1.PMSVer`.
public enum RegisterTable {
    /// Every entry, in ``SPERegisterID`` order.
    public static let all: [RegisterSpec] = SPERegisterID.allCases.map(entry)

    /// The entry of `id`.
    public static func entry(_ id: SPERegisterID) -> RegisterSpec {
        switch id {
        case .PMSCR_EL1: PMSCR_EL1.spec
        case .PMSCR_EL2: PMSCR_EL2.spec
        case .PMSICR_EL1: PMSICR_EL1.spec
        case .PMSIRR_EL1: PMSIRR_EL1.spec
        case .PMSFCR_EL1: PMSFCR_EL1.spec
        case .PMSEVFR_EL1: PMSEVFR_EL1.spec
        case .PMSNEVFR_EL1: PMSNEVFR_EL1.spec
        case .PMSLATFR_EL1: PMSLATFR_EL1.spec
        case .PMSIDR_EL1: PMSIDR_EL1.spec
        case .PMBLIMITR_EL1: PMBLIMITR_EL1.spec
        case .PMBPTR_EL1: PMBPTR_EL1.spec
        case .PMBSR_EL1: PMBSR_EL1.spec
        case .PMBIDR_EL1: PMBIDR_EL1.spec
        case .MDCR_EL2: MDCR_EL2.spec
        case .ID_AA64DFR0_EL1: ID_AA64DFR0_EL1.spec
        }
    }

    /// The entry whose encoding is `encoding`, if the model knows the register.
    public static func entry(encoding: SystemRegisterEncoding) -> SPERegisterID? {
        SPERegisterID(encoding: encoding)
    }

    /// Every defect of the table: layout problems of each entry and duplicate names or encodings.
    public static var problems: [String] {
        var found = all.flatMap(\.layoutProblems)
        for (i, a) in all.enumerated() {
            for b in all[(i + 1)...] {
                if a.name == b.name { found.append("two entries are named \(a.name)") }
                if a.encoding == b.encoding { found.append("\(a.name) and \(b.name) share encoding \(a.encoding)") }
            }
        }
        return found
    }
}
