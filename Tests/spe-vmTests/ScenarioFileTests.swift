import Testing
import VCPURuntime

@testable import spe_vm

@Suite struct ScenarioFileTests {
    /// The example of issue 5's brief.
    static let example = """
        {"pcpus": 2, "platform": "sim", "seed": 7, "exits": 100000, "workload": "mixed", "host_perf": true,
         "migrate_every": "1ms", "time_slice": "1ms", "idle": "park",
         "vms": [{"vcpus": 4, "spe": true, "workload": "profile", "max_buffer_size": 8192, "locked_memory_limit": 65536, "spu": [0, 1]},
                 {"vcpus": 2, "spe": false, "workload": "idle"}]}
        """

    static var exampleScenario: Scenario {
        var profile = VMScenario(vcpus: 4, workload: .profile)
        profile.maxBufferSize = 8192
        profile.lockedMemoryLimit = 65536
        profile.spu = [0, 1]
        var scenario = Scenario(cpus: 2, vms: [profile, VMScenario(vcpus: 2, workload: .idle, hasSPE: false)], budget: .exits(100_000))
        scenario.seed = 7
        scenario.hostPerf = true
        scenario.migrateEvery = 1_000_000
        scenario.timeSlice = 1_000_000
        return scenario
    }

    @Test("a scenario file with per-VM sections gives exactly its scenario")
    func example() throws {
        let plan = try runPlan([], file: Self.example)
        #expect(plan.platform == .sim)
        #expect(plan.scenario == Self.exampleScenario)
    }

    @Test("a file with counts instead of sections is the same as the flags")
    func counts() throws {
        let file = #"{"vcpus": 5, "vms": 2, "pcpus": 3, "duration": "20ms", "migrate_every": "off", "busy_guest": true, "mutation": "virq-to-wrong-vcpu"}"#
        let flags = ["--vcpus", "5", "--vms", "2", "--pcpus", "3", "--duration", "20ms", "--migrate-every", "off", "--busy-guest",
            "--mutation", "virq-to-wrong-vcpu"]
        #expect(try runPlan([], file: file).scenario == runPlan(flags).scenario)
        #expect(try runPlan([], file: "{}").scenario == runPlan([]).scenario)
    }

    @Test("flags override the file: run-wide settings, every VM section's, and the budget whichever the file gave")
    func flagsOverride() throws {
        let plan = try runPlan(
            ["--seed", "9", "--workload", "trap-storm", "--duration", "3ms", "--platform", "live", "--pcpus", "4"], file: Self.example)
        var expected = Self.exampleScenario
        expected.seed = 9
        expected.cpus = 4
        expected.budget = .duration(3_000_000)
        for index in expected.vms.indices { expected.vms[index].workload = .trapStorm }
        #expect(plan.platform == .live)
        #expect(plan.scenario == expected)
        #expect(try runPlan(["--exits", "5"], file: #"{"duration": "1s"}"#).scenario.budget == .exits(5))
    }

    @Test("a flag means every VM: --max-buffer-size on a file with a VM without SPE is refused")
    func flagMeansEveryVM() {
        #expect(runError(["--max-buffer-size", "4096"], file: Self.example)
            == "s.json: vms[1].max_buffer_size: the VM has no SPE (spe is false): a maximum buffer size needs SPE")
    }

    @Test("--vcpus or --vms replaces the file's VM sections by VMs built round robin")
    func layoutFlagsReplaceSections() throws {
        let plan = try runPlan(["--vcpus", "3"], file: Self.example)
        #expect(plan.scenario.vms == [VMScenario(vcpus: 2), VMScenario(vcpus: 1)])
        #expect(plan.scenario.cpus == 2)
        #expect(plan.scenario.seed == 7)
        let vms = try runPlan(["--vms", "4"], file: #"{"vcpus": 6, "workload": "idle", "vms": 2}"#)
        #expect(vms.scenario.vms == [2, 2, 1, 1].map { VMScenario(vcpus: $0, workload: .idle) })
    }

    @Test("a VM section's workload and maximum buffer size fall back to the file's top level, then the defaults")
    func sectionFallback() throws {
        let plan = try runPlan([], file: #"{"workload": "idle", "max_buffer_size": 8192, "vms": [{"vcpus": 1}, {"vcpus": 1, "workload": "profile"}]}"#)
        var idle = VMScenario(vcpus: 1, workload: .idle)
        idle.maxBufferSize = 8192
        var profile = VMScenario(vcpus: 1, workload: .profile)
        profile.maxBufferSize = 8192
        #expect(plan.scenario.vms == [idle, profile])
        #expect(try runPlan([], file: #"{"vms": [{"vcpus": 2}]}"#).scenario.vms == [VMScenario(vcpus: 2)])
    }

    @Test("hidden features, the guest driver's order and sampling, and host work: from sections, the top level or flags")
    func guestSettings() throws {
        let file = #"{"host_work": 5000, "hide": "FT", "guest_sampling": "loads", "vms": ["#
            + #"{"vcpus": 1, "hide": "fne,FE", "guest_driver": "legacy"}, {"vcpus": 1, "guest_sampling": "discard"}, "#
            + #"{"vcpus": 1, "spe": false}]}"#
        let plan = try runPlan([], file: file)
        var first = VMScenario(vcpus: 1)
        first.hiddenFeatures = [.FE, .FnE]
        first.driverStyle = .legacy
        first.sampling = .loads
        var second = VMScenario(vcpus: 1)
        second.hiddenFeatures = [.FT]
        second.sampling = .discard
        // The top level's hide passes over the VM without SPE.
        var third = VMScenario(vcpus: 1, hasSPE: false)
        third.sampling = .loads
        #expect(plan.scenario.vms == [first, second, third])
        #expect(plan.scenario.hostOperationsPerExit == 5000)
        // Flags replace them in every VM (hide only where there is SPE).
        let flags = try runPlan(
            ["--hide", "none", "--guest-driver", "den0154", "--guest-sampling", "branches", "--host-work", "0"], file: file)
        #expect(flags.scenario.vms.map(\.hiddenFeatures) == [[], [], []])
        #expect(flags.scenario.vms.map(\.driverStyle) == [.den0154, .den0154, .den0154])
        #expect(flags.scenario.vms.map(\.sampling) == [.branches, .branches, .branches])
        #expect(flags.scenario.hostOperationsPerExit == 0)
        // Without a file, the flags give every VM the same.
        let counts = try runPlan(["--vms", "2", "--hide", "FnE", "--guest-driver", "legacy"])
        #expect(counts.scenario.vms.map(\.hiddenFeatures) == [[.FnE], [.FnE]])
        #expect(counts.scenario.vms.map(\.driverStyle) == [.legacy, .legacy])
        // The defaults: nothing hidden, DEN0154's order, every sample, 200 operations.
        let defaults = try runPlan([]).scenario
        #expect(defaults.vms.allSatisfy { $0.hiddenFeatures == [] && $0.driverStyle == .den0154 && $0.sampling == .all })
        #expect(defaults.hostOperationsPerExit == 200)
    }

    /// File text (and flags), and the message each must fail with.
    static let errors: [(String, [String], String)] = [
        (#"{"vms": [{"vcpus": 1, "spe": false, "hide": "FnE"}]}"#, [],
            "s.json: vms[0].hide: the VM has no SPE (spe is false): only a VM with SPE has PMSIDR_EL1 features to hide"),
        (#"{"vms": [{"vcpus": 1, "hide": "FnE,Fast"}]}"#, [],
            "s.json: vms[0].hide takes none, or PMSIDR_EL1 feature names separated by commas (features: FE, FT, FL, FnE, ArchInst, LDS, ERnd), got \"FnE,Fast\": unknown feature 'Fast'"),
        (#"{"hide": "FT,ft"}"#, [],
            "s.json: hide takes none, or PMSIDR_EL1 feature names separated by commas (features: FE, FT, FL, FnE, ArchInst, LDS, ERnd), got \"FT,ft\": FT is named twice"),
        (#"{"hide": ["FT"]}"#, [],
            "s.json: hide takes none, or PMSIDR_EL1 feature names separated by commas (features: FE, FT, FL, FnE, ArchInst, LDS, ERnd), got an array"),
        (#"{"vms": [{"vcpus": 1, "guest_driver": "linux"}]}"#, [], "s.json: vms[0].guest_driver takes den0154 or legacy, got \"linux\""),
        (#"{"guest_sampling": "all loads"}"#, [],
            "s.json: guest_sampling takes one of all, loads, stores, branches, discard, got \"all loads\""),
        (#"{"host_work": 1000001}"#, [], "s.json: host_work takes a whole number from 0 to 1000000, got 1000001"),
        (#"{"pcpus": 2, "vms": [{"vcpus": 1}, {"vcpus": 2, "spu": [5]}]}"#, [],
            "s.json: vms[1].spu[0]: CPU 5 has no SPU: the run has 2 physical CPUs (0–1)"),
        (#"{"vms": [{"vcpus": 2, "spu": [1]}]}"#, ["--pcpus", "1"], "s.json: vms[0].spu[0]: CPU 1 has no SPU: the run has 1 physical CPU (0)"),
        (#"{"vms": [{"vcpus": 2, "spu": [-1]}]}"#, [], "s.json: vms[0].spu[0] takes a physical CPU number (a whole number from 0), got -1"),
        (#"{"vms": [{"vcpus": 2, "spu": 1}]}"#, [], "s.json: vms[0].spu takes an array of physical CPU numbers ([0, 1]), got 1"),
        (#"{"vms": [{"vcpus": 2, "spu": []}]}"#, [], "s.json: vms[0].spu: names no CPU: give at least one of the run's 2 physical CPUs (0–1)"),
        (#"{"vms": [{"vcpus": 2, "spe": false, "spu": [0]}]}"#, [], "s.json: vms[0].spu: the VM has no SPE (spe is false): an SPU needs SPE"),
        (#"{"vms": [{"vcpus": "four"}]}"#, [], "s.json: vms[0].vcpus takes a whole number from 1 to 4096, got \"four\""),
        (#"{"vms": [{"vcpus": 0}]}"#, [], "s.json: vms[0].vcpus takes a whole number from 1 to 4096, got 0"),
        (#"{"vms": [{"vcpus": -3}]}"#, [], "s.json: vms[0].vcpus takes a whole number from 1 to 4096, got -3"),
        (#"{"vms": [{"vcpus": 2.0}]}"#, [], "s.json: vms[0].vcpus takes a whole number from 1 to 4096, got 2.0"),
        (#"{"vms": [{"vcpus": 4000}, {"vcpus": 97}]}"#, [], "s.json: vms: at most 4096 VCPUs over all VMs, got 4097"),
        (#"{"vms": [{"spe": true}]}"#, [], "s.json: vms[0]: 'vcpus' is missing: every VM section gives its number of VCPUs"),
        (#"{"vms": [{"vcpus": 1, "color": 3}]}"#, [],
            "s.json: unknown key 'color' in vms[0]: the keys are vcpus, spe, workload, max_buffer_size, locked_memory_limit, hide, guest_driver, guest_sampling, spu"),
        (#"{"pcpus": 2, "cpus": 3}"#, [],
            "s.json: unknown key 'cpus': the keys are vcpus, pcpus, vms, platform, seed, duration, exits, workload, host_perf, "
            + "host_work, migrate_every, max_buffer_size, hide, guest_driver, guest_sampling, idle, busy_guest, time_slice, strategy, depth, faults, mutation"),
        (#"{"scenario": "other.json"}"#, [], "s.json: unknown key 'scenario': the keys are vcpus, pcpus, vms, platform, seed, duration, "
            + "exits, workload, host_perf, host_work, migrate_every, max_buffer_size, hide, guest_driver, guest_sampling, idle, busy_guest, time_slice, strategy, depth, faults, mutation"),
        (#"{"max-buffer-size": 4096}"#, [], "s.json: unknown key 'max-buffer-size': the keys are vcpus, pcpus, vms, platform, seed, "
            + "duration, exits, workload, host_perf, host_work, migrate_every, max_buffer_size, hide, guest_driver, guest_sampling, idle, busy_guest, time_slice, strategy, depth, faults, mutation"),
        (#"{"workload": "fast"}"#, [], "s.json: workload takes one of profile, mixed, idle, trap-storm, got \"fast\""),
        (#"{"vms": [{"vcpus": 1, "workload": 3}]}"#, [], "s.json: vms[0].workload takes one of profile, mixed, idle, trap-storm, got 3"),
        (#"{"duration": 10}"#, [], "s.json: duration takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got 10"),
        (#"{"duration": "10"}"#, [], "s.json: duration takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got \"10\""),
        (#"{"time_slice": "0us"}"#, [], "s.json: time_slice takes a duration longer than 0, got \"0us\""),
        (#"{"migrate_every": null}"#, [],
            "s.json: migrate_every takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns) or off, got null"),
        (#"{"duration": "1s", "exits": 4}"#, [], "s.json: duration and exits are both given: give one (a run ends at one budget)"),
        (#"{"vcpus": 4, "vms": [{"vcpus": 4}]}"#, [],
            "s.json: 'vcpus' and VM sections in 'vms' are both given: give each VM's VCPUs in its section, or a total 'vcpus' with a VM count 'vms'"),
        (#"{"vms": 3, "vcpus": 2}"#, [], "s.json: vms 3 is more than the run's 2 VCPUs: every VM needs a VCPU, give at most 2 VMs"),
        (#"{"vms": 3}"#, ["--vcpus", "2"], "s.json: vms 3 is more than the run's 2 VCPUs: every VM needs a VCPU, give at most 2 VMs"),
        (#"{"vms": 3}"#, ["--vms", "4", "--vcpus", "2"], "--vms 4 is more than the run's 2 VCPUs: every VM needs a VCPU, give at most 2 VMs"),
        (#"{"vms": "two"}"#, [], "s.json: vms takes a whole number from 1 to 4096, or an array of VM sections, got \"two\""),
        (#"{"vms": [3]}"#, [],
            "s.json: vms[0] takes an object of VM settings (vcpus, spe, workload, max_buffer_size, locked_memory_limit, hide, guest_driver, guest_sampling, spu), got 3"),
        (#"{"vms": []}"#, [], "s.json: vms: a run needs at least one VM"),
        (#"{"host_perf": 1}"#, [], "s.json: host_perf takes true or false, got 1"),
        (#"{"max_buffer_size": 5000}"#, [],
            "s.json: max_buffer_size takes a size in bytes PMBIDR_EL1.MaxBuffSize can show, got 5000: maximum buffer size 5000 cannot "
            + "be shown in PMBIDR_EL1.MaxBuffSize: use 0 (no limit), a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes "
            + "with M 0-511, E 1-31"),
        (#"{"vms": [{"vcpus": 1, "spe": false, "max_buffer_size": 4096}]}"#, [],
            "s.json: vms[0].max_buffer_size: the VM has no SPE (spe is false): a maximum buffer size needs SPE"),
        (#"{"vms": [{"vcpus": 1, "locked_memory_limit": -1}]}"#, [],
            "s.json: vms[0].locked_memory_limit takes a whole number from 0 to 18446744073709551615, got -1"),
        (#"[1, 2]"#, [], "s.json: the file takes a JSON object of run settings, got an array"),
        ("{\"pcpus\": 2,\n  \"vms\": [{\"vcpus\": 1,}]}", [], "s.json: line 2, column 23: expected a key (a string in double quotes), found '}'"),
        (#"{"pcpus": 2, "pcpus": 3}"#, [], "s.json: line 1, column 14: the key 'pcpus' is given twice: give each key once"),
        ("", [], "s.json: line 1, column 1: expected a value (an object, array, string, number, true, false or null), found the end of the file"),
    ]

    @Test("a bad scenario file names the file, the key path, what it takes and what it got", arguments: errors)
    func error(file: String, arguments: [String], message: String) {
        #expect(runError(arguments, file: file) == message)
    }

    @Test("the report's config is a scenario file that gives the same scenario back")
    func configRoundTrip() throws {
        var withMutation = Self.exampleScenario
        withMutation.runtimeMutation = .timerLineNotRaised
        withMutation.migrateEvery = nil
        withMutation.idle = .poll(window: IdlePolicy.defaultPollWindow)
        withMutation.busyGuest = true
        withMutation.budget = .duration(1_500_000)
        withMutation.strategy = .pct(depth: 7)
        withMutation.faults = [.kickStorm: 3_000, .guestMisprogram: FaultKind.guestMisprogram.defaultInterval]
        withMutation.hostOperationsPerExit = 20_000
        withMutation.vms[0].hiddenFeatures = [.FT, .LDS]
        withMutation.vms[0].driverStyle = .legacy
        withMutation.vms[0].sampling = .stores
        for (scenario, platform) in [(Self.exampleScenario, PlatformKind.sim), (withMutation, .live), (try runPlan([]).scenario, .live)] {
            let text = ScenarioFile.json(scenario, platform: platform).rendered
            let plan = try runPlan([], file: text)
            #expect(plan.scenario == scenario, "\(text)")
            #expect(plan.platform == platform)
        }
    }
}
