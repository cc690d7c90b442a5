/// Makes a failing scenario smaller while it still breaks the same rule: fewer VMs, VCPUs and
/// physical CPUs, fewer faults, no host session or migrator, a smaller exit budget, each tried by
/// running the simulator again (`spe-vm shrink`).
///
/// Greedy, like delta debugging's one-at-a-time pass: it tries the reductions of the current
/// scenario in order (the largest first) and takes the first that still fails with the rule, then
/// starts over from the smaller scenario, until none fails or the run limit is reached. A smaller
/// scenario may need another schedule to fail, so each try runs a few seeds from the current one;
/// the seed that failed becomes the scenario's. Every reduction makes one measure smaller and no
/// other larger (``ShrinkSize``), so the result is never larger than the input.
public struct Shrinker: Sendable {
    /// The rule (or unfinished reason, ``RunFailure/name``) a smaller scenario must still break.
    public var rule: String
    /// Seeds tried for each smaller scenario: the current seed and the ones after it.
    public var seedsPerTry: UInt64 = 4
    /// Simulated runs at most, over every try.
    public var maximumRuns = 400

    /// A shrinker keeping scenarios that break `rule`.
    public init(rule: String) { self.rule = rule }

    /// What shrinking came to: the smallest failing scenario found, its failing run, the
    /// reductions taken, and the runs it took.
    public struct Outcome: Sendable {
        /// The smallest scenario found to break the rule (its seed the one that failed).
        public var scenario: Scenario
        /// Its failing run.
        public var result: RunResult
        /// The reductions taken, in order.
        public var steps: [String]
        /// Simulated runs made.
        public var runs: Int
    }

    /// Shrinks `scenario`, whose run `failing` broke ``rule``.
    public func shrink(_ scenario: Scenario, failing: RunResult) -> Outcome {
        var outcome = Outcome(scenario: scenario, result: failing, steps: [], runs: 0)
        var progress = true
        while progress && outcome.runs < maximumRuns {
            progress = false
            for (step, candidate) in Self.reductions(of: outcome.scenario, failing: outcome.result) {
                guard outcome.runs < maximumRuns else { break }
                if let (failingScenario, result) = fails(candidate, runs: &outcome.runs) {
                    outcome.scenario = failingScenario
                    outcome.result = result
                    outcome.steps.append(step)
                    progress = true
                    break
                }
            }
        }
        return outcome
    }

    /// The first of `seedsPerTry` seeds on which `candidate` breaks the rule.
    private func fails(_ candidate: Scenario, runs: inout Int) -> (Scenario, RunResult)? {
        for offset in 0..<seedsPerTry where runs < maximumRuns {
            var scenario = candidate
            let (seed, overflow) = candidate.seed.addingReportingOverflow(offset)
            guard !overflow else { break }
            scenario.seed = seed
            runs += 1
            let result = ScenarioRun(scenario: scenario, platform: .sim).run()
            if result.failure?.name == rule { return (scenario, result) }
        }
        return nil
    }

    /// The scenarios one reduction smaller than `scenario`, each valid, with what was reduced.
    static func reductions(of scenario: Scenario, failing: RunResult) -> [(String, Scenario)] {
        var candidates: [(String, Scenario)] = []
        func add(_ step: String, _ change: (inout Scenario) -> Void) {
            var candidate = scenario
            change(&candidate)
            if candidate != scenario, (try? candidate.validate()) != nil { candidates.append((step, candidate)) }
        }
        for index in scenario.vms.indices.reversed() where scenario.vms.count > 1 {
            add("remove vm\(index)") { $0.vms.remove(at: index) }
        }
        for (index, vm) in scenario.vms.enumerated() {
            for vcpus in Set([vm.vcpus / 2, vm.vcpus - 1]).sorted() where vcpus >= 1 && vcpus < vm.vcpus {
                add("vm\(index): \(vcpus) VCPU\(vcpus == 1 ? "" : "s")") { $0.vms[index].vcpus = vcpus }
            }
        }
        for cpus in Set([scenario.cpus / 2, scenario.cpus - 1]).sorted() where cpus >= 1 && cpus < scenario.cpus {
            add(cpus == 1 ? "1 physical CPU" : "\(cpus) physical CPUs") { candidate in
                candidate.cpus = cpus
                for index in candidate.vms.indices {
                    candidate.vms[index].spu = candidate.vms[index].spu?.filter { $0 < cpus }
                }
            }
        }
        if scenario.faults.count > 1 { add("no faults") { $0.faults = [:] } }
        for fault in FaultKind.allCases where scenario.faults[fault] != nil {
            add("no \(fault) fault") { $0.faults[fault] = nil }
        }
        if scenario.hostPerf { add("no host perf session") { $0.hostPerf = false } }
        if scenario.migrateEvery != nil { add("no migrator") { $0.migrateEvery = nil } }
        switch scenario.budget {
        case .exits(let n):
            // The failing run stopped at its violation: its exits are enough, half may be.
            for exits in Set([failing.exits.total, n / 2]).sorted() where exits >= 1 && exits < n {
                add("\(exits) exits") { $0.budget = .exits(exits) }
            }
        case .duration(let ns):
            for duration in Set([failing.endTime + 1, ns / 2]).sorted() where duration >= 1 && duration < ns {
                add("\(duration) ns") { $0.budget = .duration(duration) }
            }
        }
        return candidates
    }
}

/// How large a scenario is, measure by measure: shrinking never makes one larger.
public struct ShrinkSize: Hashable, Sendable, CustomStringConvertible {
    /// VMs, VCPUs over all VMs, physical CPUs, faults injected.
    public var vms: Int
    public var vcpus: Int
    public var cpus: Int
    public var faults: Int
    /// The exit budget, or the duration budget in nanoseconds.
    public var budget: UInt64
    /// A host perf session, a migrator (0 or 1 each).
    public var hostPerf: Int
    public var migrator: Int

    /// The measures of `scenario`.
    public init(_ scenario: Scenario) {
        vms = scenario.vms.count
        vcpus = scenario.vcpuCount
        cpus = scenario.cpus
        faults = scenario.faults.count
        budget =
            switch scenario.budget {
            case .exits(let n): n
            case .duration(let ns): ns
            }
        hostPerf = scenario.hostPerf ? 1 : 0
        migrator = scenario.migrateEvery == nil ? 0 : 1
    }

    /// Whether no measure of `self` is larger than `other`'s.
    public func isNoLarger(than other: ShrinkSize) -> Bool {
        vms <= other.vms && vcpus <= other.vcpus && cpus <= other.cpus && faults <= other.faults
            && budget <= other.budget && hostPerf <= other.hostPerf && migrator <= other.migrator
    }

    public var description: String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        return "\(count(vcpus, "VCPU")) in \(count(vms, "VM")) on \(count(cpus, "CPU")), \(count(faults, "fault")), budget \(budget)"
            + (hostPerf == 1 ? ", host perf" : "") + (migrator == 1 ? ", migrator" : "")
    }
}
