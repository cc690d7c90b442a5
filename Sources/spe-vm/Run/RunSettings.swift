import VCPURuntime

/// One setting as given: its value and where it was given, for messages.
struct GivenValue: Equatable, Sendable {
    let value: OptionValue
    /// The flag (`--vms`) or the scenario file's key path (`vms`, `vms[1].workload`).
    let place: String
    /// Given by a flag, which overrides the scenario file everywhere (per-VM sections too).
    let byFlag: Bool

    /// `--vms 3`, or `vms 3` for a scenario file's key.
    var label: String {
        let text =
            switch value {
            case .bool(let on): on ? "true" : "false"
            case .number(let n): "\(n)"
            case .duration(let ns): ns.map(DurationText.format) ?? "off"
            case .name(let name), .path(let name): name
            case .faults(let faults): FaultList.format(faults)
            case .shard(let shard): shard.description
            case .features(let features): FeatureList.format(features)
            }
        return "\(place) \(text)"
    }
}

/// One VM section of a scenario file.
struct VMSection: Equatable, Sendable {
    /// `vms[1]`.
    let place: String
    /// Its settings by ``OptionSpec`` name (`vcpus`, `spe`, `workload`, `max-buffer-size`, …).
    var values: [String: GivenValue] = [:]
    var spu: [Int]?
}

/// What `spe-vm run` was told, by flags, a scenario file, or a file overridden by flags; and the
/// one way it becomes a ``Scenario``: a setting given nowhere takes its ``RunDefaults`` value.
struct RunSettings: Equatable, Sendable {
    /// The run-wide settings by ``OptionSpec`` name.
    var values: [String: GivenValue] = [:]
    /// The scenario file's VM sections, if it has them.
    var vmSections: [VMSection]?
    /// The scenario file the settings came from, if any.
    var file: String?

    init() {}

    /// The settings the flags give: those of `specs` (`--scenario` and `--json` are not settings of
    /// the run, and `spe-vm stress` gives `--duration` another meaning and has no `--seed`).
    init(flags options: ParsedOptions, specs: [OptionSpec] = RunOptions.settings) throws(ToolError) {
        for spec in specs {
            if let value = options.values[spec.name] {
                values[spec.name] = GivenValue(value: value, place: spec.flag, byFlag: true)
            }
        }
        try checkOneBudget()
    }

    /// A run ends at one budget: `--duration` and `--exits` (or the file's two keys) exclude each other.
    func checkOneBudget() throws(ToolError) {
        if let duration = values[RunOptions.duration.name], let exits = values[RunOptions.exits.name] {
            throw .inconsistent("\(duration.place) and \(exits.place) are both given: give one (a run ends at one budget)")
        }
    }

    /// These settings (a scenario file's) with `flags` laid over them. A flag replaces the file's
    /// value at the top level and in every VM section; `--duration` or `--exits` replaces the file's
    /// budget whichever it gave; `--vcpus` or `--vms` replaces the file's VM sections by VMs built
    /// round robin from the counts (a count no flag gives comes from the file's top level, else the
    /// default), each taking the run-wide workload, maximum buffer size, hidden features and driver settings.
    func overridden(by flags: RunSettings) -> RunSettings {
        var merged = self
        if flags.values[RunOptions.duration.name] != nil || flags.values[RunOptions.exits.name] != nil {
            merged.values[RunOptions.duration.name] = nil
            merged.values[RunOptions.exits.name] = nil
        }
        if flags.values[RunOptions.vcpus.name] != nil || flags.values[RunOptions.vms.name] != nil {
            merged.vmSections = nil
        }
        merged.values.merge(flags.values) { _, flag in flag }
        return merged
    }

    /// The scenario these settings describe, checked by ``Scenario/validate()``, and its platform;
    /// a setting given nowhere takes its value from `defaults`.
    func plan(defaults: SettingDefaults = .run) throws(ToolError) -> (scenario: Scenario, platform: PlatformKind) {
        let platform = name(RunOptions.platform).flatMap(PlatformKind.init(rawValue:)) ?? defaults.platform
        let budget: RunBudget =
            if let ns = duration(RunOptions.duration) ?? nil { .duration(ns) }
            else if let n = number(RunOptions.exits) { .exits(n) }
            else { defaults.budget(platform) }
        let cpus = number(RunOptions.pcpus).map(Int.init) ?? RunDefaults.pcpus
        var scenario = Scenario(cpus: cpus, vms: try vmScenarios(), budget: budget)
        scenario.seed = number(RunOptions.seed) ?? RunDefaults.seed
        scenario.hostPerf = bool(RunOptions.hostPerf) ?? RunDefaults.hostPerf
        scenario.hostOperationsPerExit = number(RunOptions.hostWork) ?? RunDefaults.hostWork
        scenario.migrateEvery = duration(RunOptions.migrateEvery) ?? RunDefaults.migrateEvery
        scenario.timeSlice = (duration(RunOptions.timeSlice) ?? nil) ?? RunDefaults.timeSlice
        scenario.idle =
            switch name(RunOptions.idle) {
            case "poll": .poll(window: IdlePolicy.defaultPollWindow)
            case "park": .park
            default: RunDefaults.idle
            }
        scenario.busyGuest = bool(RunOptions.busyGuest) ?? RunDefaults.busyGuest
        scenario.strategy = try strategy()
        if case .faults(let faults)? = given(RunOptions.faults) {
            scenario.faults = faults
        } else {
            scenario.faults = defaults.faults
        }
        name(RunOptions.mutation).flatMap(RunMutation.init(name:))?.apply(to: &scenario)
        do {
            try scenario.validate()
        } catch {
            // Its messages name scenario-file keys: with a file, they point into it.
            throw inFile(.invalidScenario(error.description))
        }
        return (scenario, platform)
    }

    /// The schedule strategy: `random` has no depth, `pct` takes one (``ScheduleStrategy/defaultDepth``
    /// when none is given).
    private func strategy() throws(ToolError) -> ScheduleStrategy {
        let strategy = name(RunOptions.strategy).flatMap(ScheduleStrategy.init(name:)) ?? RunDefaults.strategy
        guard let depth = values[RunOptions.depth.name] else { return strategy }
        guard case .pct = strategy, case .number(let d) = depth.value else {
            let error = ToolError.inconsistent(
                "\(depth.label) applies to the pct strategy only: add --strategy pct (random has no depth)")
            throw depth.byFlag ? error : inFile(error)
        }
        return .pct(depth: Int(d))
    }

    /// `error`, as a mistake in the scenario file when there is one.
    private func inFile(_ error: ToolError) -> ToolError {
        file.map { .inScenarioFile(path: $0, error) } ?? error
    }

    /// The VMs: the file's sections, or VMs built round robin from the counts.
    private func vmScenarios() throws(ToolError) -> [VMScenario] {
        if let vmSections {
            return vmSections.map { section in
                var vm = VMScenario(
                    vcpus: Int(number(RunOptions.vcpus, in: section) ?? 0),
                    workload: name(RunOptions.workload, in: section).flatMap(WorkloadKind.init(rawValue:))
                        ?? RunDefaults.workload,
                    hasSPE: bool(RunOptions.spe, in: section) ?? true)
                vm.maxBufferSize = number(RunOptions.maxBufferSize, in: section) ?? RunDefaults.maxBufferSize
                vm.lockedMemoryLimit = number(RunOptions.lockedMemoryLimit, in: section)
                vm.spu = section.spu
                guestSettings(of: &vm, in: section)
                return vm
            }
        }
        let vcpus = number(RunOptions.vcpus).map(Int.init) ?? RunDefaults.vcpus
        let vms: Int
        if let given = values[RunOptions.vms.name], case .number(let count) = given.value {
            guard count <= UInt64(vcpus) else {
                let error = ToolError.inconsistent(
                    "\(given.label) is more than the run's \(vcpus) VCPUs: every VM needs a VCPU, give at most \(vcpus) VMs")
                throw given.byFlag ? error : inFile(error)
            }
            vms = Int(count)
        } else {
            vms = min(RunDefaults.vms, vcpus)
        }
        let workload = name(RunOptions.workload).flatMap(WorkloadKind.init(rawValue:)) ?? RunDefaults.workload
        return (0..<vms).map { index in
            var vm = VMScenario(vcpus: vcpus / vms + (index < vcpus % vms ? 1 : 0), workload: workload)
            vm.maxBufferSize = number(RunOptions.maxBufferSize) ?? RunDefaults.maxBufferSize
            guestSettings(of: &vm, in: nil)
            return vm
        }
    }

    /// A VM's hidden features and guest driver settings: a flag's, else its section's, else the
    /// file's top level, else the defaults. A run-wide `hide` passes over VMs without SPE (a
    /// section's own is refused there by validation).
    private func guestSettings(of vm: inout VMScenario, in section: VMSection?) {
        vm.hiddenFeatures = RunDefaults.hiddenFeatures
        if case .features(let hidden)? = given(RunOptions.hide, in: section),
            vm.hasSPE || section?.values[RunOptions.hide.name] != nil
        {
            vm.hiddenFeatures = hidden
        }
        vm.driverStyle =
            name(RunOptions.guestDriver, in: section).flatMap(GuestDriverStyle.init(rawValue:)) ?? RunDefaults.guestDriver
        vm.sampling = name(RunOptions.guestSampling, in: section).flatMap(GuestSampling.init(rawValue:)) ?? RunDefaults.guestSampling
    }

    // MARK: Typed values

    /// A setting's value: a flag's wherever it is read, else the VM section's (when reading one),
    /// else the file's top level.
    private func given(_ spec: OptionSpec, in section: VMSection? = nil) -> OptionValue? {
        if let run = values[spec.name], run.byFlag { return run.value }
        return (section?.values[spec.name] ?? values[spec.name])?.value
    }

    private func number(_ spec: OptionSpec, in section: VMSection? = nil) -> UInt64? {
        guard case .number(let n)? = given(spec, in: section) else { return nil }
        return n
    }

    private func bool(_ spec: OptionSpec, in section: VMSection? = nil) -> Bool? {
        guard case .bool(let on)? = given(spec, in: section) else { return nil }
        return on
    }

    private func name(_ spec: OptionSpec, in section: VMSection? = nil) -> String? {
        guard case .name(let name)? = given(spec, in: section) else { return nil }
        return name
    }

    /// A duration: nil when not given, `.some(nil)` for `off`.
    private func duration(_ spec: OptionSpec) -> UInt64?? {
        guard case .duration(let ns)? = given(spec) else { return nil }
        return .some(ns)
    }
}
