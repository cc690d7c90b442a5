import VCPURuntime

/// The faults of a run as text, for `--faults` and a scenario file's `faults`: `none`, `all` (every
/// fault at its default interval), or fault names separated by commas, each with an optional
/// `=D` mean interval (`migrate=200us,host-perf`). The one reader and writer of fault lists.
enum FaultList {
    /// The fault names, in ``FaultKind`` order.
    static var names: String { FaultKind.allCases.map(\.rawValue).joined(separator: ", ") }

    /// What a fault list must look like, for messages.
    static var expected: String {
        "none, all, or fault names separated by commas, each with an optional =D mean interval (faults: \(names))"
    }

    /// The faults `text` names, each with its mean interval in nanoseconds.
    static func parse(_ text: String) throws(ValueProblem) -> [FaultKind: UInt64] {
        switch text {
        case "none": return [:]
        case "all": return FaultKind.allAtDefaultIntervals
        default: break
        }
        var faults: [FaultKind: UInt64] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let fault = FaultKind(rawValue: name) else {
                let detail = name.isEmpty ? "an empty fault name" : "unknown fault '\(name)'"
                throw ValueProblem(expected: expected, detail: detail)
            }
            guard faults[fault] == nil else { throw ValueProblem(expected: expected, detail: "\(name) is named twice") }
            guard parts.count == 2 else {
                faults[fault] = fault.defaultInterval
                continue
            }
            let interval: UInt64
            do {
                interval = try DurationText.parse(String(parts[1]))
            } catch {
                throw ValueProblem(expected: expected, detail: "\(name)'s interval '\(parts[1])' is not \(error.expected)")
            }
            guard interval > 0 else { throw ValueProblem(expected: expected, detail: "\(name)'s interval must be longer than 0") }
            faults[fault] = interval
        }
        return faults
    }

    /// `faults` as ``parse(_:)`` reads it back: `none`, or every fault with its interval, in
    /// ``FaultKind`` order.
    static func format(_ faults: [FaultKind: UInt64]) -> String {
        let items = FaultKind.allCases.compactMap { fault in faults[fault].map { "\(fault)=\(DurationText.format($0))" } }
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }
}
