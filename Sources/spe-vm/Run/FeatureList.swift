import SPEDevice

/// The `PMSIDR_EL1` features a VMM hides from a VM, as text, for `--hide` and a VM section's
/// `hide`: `none`, or feature names separated by commas (`FnE,FT`, any case). The one reader and
/// writer of feature lists.
enum FeatureList {
    /// What a feature list must look like, for messages.
    static var expected: String {
        "none, or PMSIDR_EL1 feature names separated by commas (features: "
            + PMSIDRFeature.allCases.map(\.rawValue).joined(separator: ", ") + ")"
    }

    /// The features `text` names, in ``PMSIDRFeature`` order.
    static func parse(_ text: String) throws(ValueProblem) -> [PMSIDRFeature] {
        guard text != "none" else { return [] }
        var named: [PMSIDRFeature] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(item)
            let feature: PMSIDRFeature
            do {
                feature = try PMSIDRFeature.named(name)
            } catch {
                throw ValueProblem(expected: expected, detail: name.isEmpty ? "an empty feature name" : "unknown feature '\(name)'")
            }
            guard !named.contains(feature) else { throw ValueProblem(expected: expected, detail: "\(feature.rawValue) is named twice") }
            named.append(feature)
        }
        return PMSIDRFeature.allCases.filter(named.contains)
    }

    /// `features` as ``parse(_:)`` reads it back.
    static func format(_ features: [PMSIDRFeature]) -> String {
        features.isEmpty ? "none" : features.map(\.rawValue).joined(separator: ",")
    }
}
