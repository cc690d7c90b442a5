import Foundation
import VCPURuntime

/// `spe-vm run --scenario FILE.json`: a run's settings as one JSON object. Its keys are the run's
/// flags with `_` for `-` (``RunOptions/settings``), read by the same ``OptionKind``s, so a value
/// means what it means as a flag; durations are strings (`"1ms"`). `vms` is a VM count like
/// `--vms`, or an array of VM sections, each with `vcpus` (required), `spe`, `workload`,
/// `max_buffer_size`, `locked_memory_limit`, `hide`, `guest_driver`, `guest_sampling` and `spu`
/// (the physical CPUs the VM may use).
///
/// The report's `config` member is written in this form, so it replays the run.
enum ScenarioFile {
    /// The largest scenario file read (4096 VM sections take well under 1 MiB).
    static let maximumSize = 16 << 20

    /// The settings of the file at `path`; every mistake names the file, then the key path.
    static func read(path: String) throws(ToolError) -> RunSettings {
        guard let text = try TextFile.read(path: path, maximumSize: maximumSize) else {
            throw .inScenarioFile(path: path, .inconsistent("the file is not UTF-8 text: a scenario is a JSON object"))
        }
        return try parse(text, path: path)
    }

    /// The settings `text` holds; `path` names the file in messages.
    static func parse(_ text: String, path: String) throws(ToolError) -> RunSettings {
        do {
            var settings = try settings(from: try JSONInput.parse(text))
            settings.file = path
            return settings
        } catch {
            throw .inScenarioFile(path: path, error)
        }
    }

    /// The settings of a scenario's JSON value.
    static func settings(from json: JSONInput) throws(ToolError) -> RunSettings {
        guard case .object(let members) = json else {
            throw .badValue(place: "the file", value: json.shown, problem: ValueProblem(expected: "a JSON object of run settings"))
        }
        var settings = RunSettings()
        for member in members {
            if member.key == RunOptions.vms.key, case .array(let sections) = member.value {
                settings.vmSections = try sections.enumerated().map { index, section throws(ToolError) in
                    try vmSection(section, place: "\(member.key)[\(index)]")
                }
                continue
            }
            guard let spec = RunOptions.settings.first(where: { $0.key == member.key }) else {
                throw .unknownKey(place: "", key: member.key, allowed: RunOptions.settings.map(\.key))
            }
            // `vms` is a count or the VM sections: a value that is neither is told both.
            let alsoExpected = spec == RunOptions.vms ? "an array of VM sections" : nil
            settings.values[spec.name] = try read(member.value, as: spec, at: member.key, alsoExpected: alsoExpected)
        }
        try settings.checkOneBudget()
        if settings.vmSections != nil, let vcpus = settings.values[RunOptions.vcpus.name] {
            throw .inconsistent(
                "'\(vcpus.place)' and VM sections in 'vms' are both given: give each VM's VCPUs in its section, "
                    + "or a total 'vcpus' with a VM count 'vms'")
        }
        return settings
    }

    /// One VM section, `place` naming it (`vms[1]`).
    static func vmSection(_ json: JSONInput, place: String) throws(ToolError) -> VMSection {
        let keys = RunOptions.vmSettings.map(\.key) + [RunOptions.spuKey]
        guard case .object(let members) = json else {
            throw .badValue(
                place: place, value: json.shown,
                problem: ValueProblem(expected: "an object of VM settings (\(keys.joined(separator: ", ")))"))
        }
        var section = VMSection(place: place)
        for member in members {
            let keyPlace = "\(place).\(member.key)"
            if member.key == RunOptions.spuKey {
                section.spu = try spu(member.value, place: keyPlace)
                continue
            }
            guard let spec = RunOptions.vmSettings.first(where: { $0.key == member.key }) else {
                throw .unknownKey(place: place, key: member.key, allowed: keys)
            }
            section.values[spec.name] = try read(member.value, as: spec, at: keyPlace)
        }
        guard section.values[RunOptions.vcpus.name] != nil else {
            throw .missingKey(place: place, key: RunOptions.vcpus.key, why: "every VM section gives its number of VCPUs")
        }
        return section
    }

    /// A VM's SPU: an array of physical CPU numbers (whether each exists is for ``Scenario/validate()``).
    static func spu(_ json: JSONInput, place: String) throws(ToolError) -> [Int] {
        guard case .array(let elements) = json else {
            throw .badValue(place: place, value: json.shown, problem: ValueProblem(expected: "an array of physical CPU numbers ([0, 1])"))
        }
        return try elements.enumerated().map { index, element throws(ToolError) in
            guard case .number(let literal) = element, let cpu = ParsedOptions.wholeNumber(literal), cpu <= UInt64(Int.max) else {
                throw .badValue(
                    place: "\(place)[\(index)]", value: element.shown,
                    problem: ValueProblem(expected: "a physical CPU number (a whole number from 0)"))
            }
            return Int(cpu)
        }
    }

    /// A setting's value as `spec`'s kind reads it from JSON: switches from `true`/`false`, numbers
    /// from numbers, names and durations from strings.
    static func read(_ json: JSONInput, as spec: OptionSpec, at place: String, alsoExpected: String? = nil) throws(ToolError) -> GivenValue {
        do throws(ValueProblem) {
            let value: OptionValue
            switch (spec.kind, json) {
            case (.flag, .bool(let on)): value = .bool(on)
            case (.number, .number(let literal)), (.bufferSize, .number(let literal)): value = try spec.kind.parse(literal)
            case (.choice, .string(let text)), (.duration, .string(let text)), (.faults, .string(let text)),
                (.features, .string(let text)):
                value = try spec.kind.parse(text)
            default: throw ValueProblem(expected: spec.kind.expected)
            }
            return GivenValue(value: value, place: place, byFlag: false)
        } catch {
            let expected = alsoExpected.map { "\(error.expected), or \($0)" } ?? error.expected
            throw .badValue(place: place, value: json.shown, problem: ValueProblem(expected: expected, detail: error.detail))
        }
    }

    /// A scenario in this file's form: the `config` member of the report.
    static func json(_ scenario: Scenario, platform: PlatformKind) -> JSONValue {
        var object: [String: JSONValue] = [
            RunOptions.platform.key: .string(platform.rawValue),
            RunOptions.pcpus.key: .integer(UInt64(clamping: scenario.cpus)),
            RunOptions.seed.key: .integer(scenario.seed),
            RunOptions.hostPerf.key: .bool(scenario.hostPerf),
            RunOptions.hostWork.key: .integer(scenario.hostOperationsPerExit),
            RunOptions.migrateEvery.key: .string(scenario.migrateEvery.map(DurationText.format) ?? "off"),
            RunOptions.timeSlice.key: .string(DurationText.format(scenario.timeSlice)),
            RunOptions.idle.key: .string(scenario.idle == .park ? "park" : "poll"),
            RunOptions.busyGuest.key: .bool(scenario.busyGuest),
            RunOptions.strategy.key: .string(scenario.strategy.name),
            RunOptions.faults.key: .string(FaultList.format(scenario.faults)),
            RunOptions.vms.key: .array(scenario.vms.map(json)),
        ]
        if let depth = scenario.strategy.depth { object[RunOptions.depth.key] = .integer(UInt64(clamping: depth)) }
        switch scenario.budget {
        case .duration(let ns): object[RunOptions.duration.key] = .string(DurationText.format(ns))
        case .exits(let n): object[RunOptions.exits.key] = .integer(n)
        }
        if let mutation = RunMutation(scenario) { object[RunOptions.mutation.key] = .string(mutation.name) }
        return .object(object)
    }

    /// A VM section.
    static func json(_ vm: VMScenario) -> JSONValue {
        var object: [String: JSONValue] = [
            RunOptions.vcpus.key: .integer(UInt64(clamping: vm.vcpus)),
            RunOptions.spe.key: .bool(vm.hasSPE),
            RunOptions.workload.key: .string(vm.workload.rawValue),
            RunOptions.maxBufferSize.key: .integer(vm.maxBufferSize),
            RunOptions.guestDriver.key: .string(vm.driverStyle.rawValue),
            RunOptions.guestSampling.key: .string(vm.sampling.rawValue),
        ]
        // A VM without SPE has nothing to hide (the key would be refused there).
        if vm.hasSPE { object[RunOptions.hide.key] = .string(FeatureList.format(vm.hiddenFeatures)) }
        if let limit = vm.lockedMemoryLimit { object[RunOptions.lockedMemoryLimit.key] = .integer(limit) }
        if let spu = vm.spu { object[RunOptions.spuKey] = .array(spu.map { .integer(UInt64(clamping: $0)) }) }
        return .object(object)
    }
}
