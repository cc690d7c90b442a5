/// The registers the model knows, by architectural name: every SPE register of SPEv1p2 plus the
/// two EL2/ID registers whose SPE fields the model uses.
public enum SPERegisterID: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case PMSCR_EL1, PMSNEVFR_EL1, PMSICR_EL1, PMSIRR_EL1, PMSFCR_EL1, PMSEVFR_EL1, PMSLATFR_EL1, PMSIDR_EL1
    case PMBLIMITR_EL1, PMBPTR_EL1, PMBSR_EL1, PMBIDR_EL1
    case PMSCR_EL2, MDCR_EL2, ID_AA64DFR0_EL1

    /// The architectural spelling.
    public var name: String { RegisterTable.entry(self).name }
    public var description: String { name }

    /// The register's table entry.
    public var spec: RegisterSpec { RegisterTable.entry(self) }

    /// The register's `MRS`/`MSR` encoding, from its table entry. Exits encode and decode trapped
    /// accesses by it, so the encodings are kept apart from the entries (copying an entry retains
    /// its name and fields).
    public var encoding: SystemRegisterEncoding { Self.encodings[Int(rawValue)] }

    /// The register whose encoding is `encoding`, if the model knows it.
    public init?(encoding: SystemRegisterEncoding) {
        guard let index = Self.sortKeys.firstIndex(of: encoding.sortKey) else { return nil }
        self.init(rawValue: UInt8(index))
    }

    /// Every register's encoding, in ``allCases`` order (the raw values count from 0), and the same
    /// as sort keys (one compare each, for decoding).
    private static let encodings = allCases.map { RegisterTable.entry($0).encoding }
    private static let sortKeys = encodings.map(\.sortKey)

    /// The register called `name` (architectural spelling, case-insensitive), if the model knows it.
    public init?(name: String) {
        let upper = name.uppercased()
        guard let found = Self.allCases.first(where: { $0.name == upper }) else { return nil }
        self = found
    }

    /// The five registers KVM traps for a guest with SPE (SPE.md §1).
    public var isTrappedForSPEGuest: Bool {
        switch self {
        case .PMBLIMITR_EL1, .PMBPTR_EL1, .PMBSR_EL1, .PMBIDR_EL1, .PMSIDR_EL1: true
        default: false
        }
    }

    /// The sampling-control registers a guest accesses directly in hardware.
    public var isSamplingControl: Bool {
        switch self {
        case .PMSCR_EL1, .PMSNEVFR_EL1, .PMSICR_EL1, .PMSIRR_EL1, .PMSFCR_EL1, .PMSEVFR_EL1, .PMSLATFR_EL1: true
        default: false
        }
    }

    /// Registers an EL1 guest can name at all (the EL2 registers are UNDEFINED at EL1).
    public var isAccessibleFromEL1: Bool { self != .PMSCR_EL2 && self != .MDCR_EL2 }
}
