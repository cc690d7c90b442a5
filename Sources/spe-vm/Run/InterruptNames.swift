import HostIRQ

/// The names the report gives interrupts: the model's well-known INTIDs by what they are, any other
/// by number.
enum InterruptNames {
    /// The well-known INTIDs: JSON key and text label.
    static let known: [UInt32: (key: String, label: String)] = [
        INTID.kick.rawValue: ("kick", "kick"),
        INTID.spePMBIRQ.rawValue: ("spe", "SPE"),
        INTID.maintenance.rawValue: ("maintenance", "maintenance"),
        INTID.hypervisorTimer.rawValue: ("host_timer", "host timer"),
        INTID.virtualTimer.rawValue: ("virtual_timer", "virtual timer"),
        INTID.vmmDevice.rawValue: ("vmm_device", "VMM device"),
        INTID.spurious.rawValue: ("spurious", "spurious"),
    ]

    /// The JSON key of `intid`: `spe`, `host_timer`, or `intid_40`.
    static func key(_ intid: UInt32) -> String { known[intid]?.key ?? "intid_\(intid)" }

    /// The text of `intid`: `SPE (INTID 21)`, or `INTID 40`.
    static func label(_ intid: UInt32) -> String { known[intid].map { "\($0.label) (INTID \(intid))" } ?? "INTID \(intid)" }

    /// Counts by INTID as JSON, keyed by name.
    static func json(_ counts: [UInt32: UInt64]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { (key($0.key), JSONValue.integer($0.value)) }))
    }

    /// Counts by INTID as text, in INTID order (`none` when empty).
    static func text(_ counts: [UInt32: UInt64]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\(label($0.key)) \($0.value)" }.joined(separator: ", ")
    }
}
