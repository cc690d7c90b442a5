import HostIRQ

/// The names reports and traces give interrupts: the model's well-known INTIDs by what they are,
/// any other by number.
public enum InterruptNames {
    /// The well-known INTIDs: JSON key and text name.
    public static let known: [UInt32: (key: String, name: String)] = [
        INTID.kick.rawValue: ("kick", "kick"),
        INTID.spePMBIRQ.rawValue: ("spe", "SPE"),
        INTID.maintenance.rawValue: ("maintenance", "maintenance"),
        INTID.hypervisorTimer.rawValue: ("host_timer", "host timer"),
        INTID.virtualTimer.rawValue: ("virtual_timer", "virtual timer"),
        INTID.vmmDevice.rawValue: ("vmm_device", "VMM device"),
        INTID.spurious.rawValue: ("spurious", "spurious"),
    ]

    /// The JSON key of `intid`: `spe`, `host_timer`, or `intid_40`.
    public static func key(_ intid: UInt32) -> String { known[intid]?.key ?? "intid_\(intid)" }

    /// The short name of `intid`: `SPE`, or `INTID 40`.
    public static func name(_ intid: UInt32) -> String { known[intid]?.name ?? "INTID \(intid)" }

    /// The text of `intid`: `SPE (INTID 21)`, or `INTID 40`.
    public static func label(_ intid: UInt32) -> String { known[intid].map { "\($0.name) (INTID \(intid))" } ?? "INTID \(intid)" }
}
