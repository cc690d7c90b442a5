import SPEDevice
import Testing
import VCPURuntime

@testable import spe_vm

/// The scenario and platform `spe-vm run arguments` would run, with `file` as the scenario file's
/// text (named `s.json`) when given.
func runPlan(_ arguments: [String], file: String? = nil) throws(ToolError) -> (scenario: Scenario, platform: PlatformKind) {
    let options = try ParsedOptions.parse(arguments, for: RunCommand.spec)
    let flags = try RunSettings(flags: options)
    guard let file else { return try flags.plan() }
    return try ScenarioFile.parse(file, path: "s.json").overridden(by: flags).plan()
}

/// The message `spe-vm run arguments` fails with (after `spe-vm: `), or nil when it is accepted.
func runError(_ arguments: [String], file: String? = nil) -> String? {
    do {
        _ = try runPlan(arguments, file: file)
        return nil
    } catch {
        return error.description
    }
}

/// A scenario: VMs of the given VCPU counts (all `mixed` with SPE), `change` applied.
func scenario(cpus: Int = 2, vcpus: [Int] = [4, 4], budget: RunBudget, _ change: (inout Scenario) -> Void = { _ in }) -> Scenario {
    var scenario = Scenario(cpus: cpus, vms: vcpus.map { VMScenario(vcpus: $0) }, budget: budget)
    scenario.seed = 1
    scenario.migrateEvery = 1_000_000
    scenario.timeSlice = 1_000_000
    change(&scenario)
    return scenario
}

@Suite struct RunSettingsTests {
    @Test("no flags: 8 VCPUs in 2 VMs of mixed on 2 CPUs, migrating every 1ms, 2 s on live")
    func defaults() throws {
        let plan = try runPlan([])
        #expect(plan.platform == .live)
        #expect(plan.scenario == scenario(budget: .duration(2_000_000_000)))
        #expect(plan.scenario.idle == .park)
        #expect(plan.scenario.hostPerf == false)
        #expect(plan.scenario.busyGuest == false)
        #expect(plan.scenario.mutation == nil && plan.scenario.runtimeMutation == nil)
    }

    @Test("--platform sim without a budget runs 200000 exits")
    func simDefault() throws {
        let plan = try runPlan(["--platform", "sim"])
        #expect(plan.platform == .sim)
        #expect(plan.scenario.budget == .exits(200_000))
        #expect(try runPlan(["--platform=sim", "--duration", "5ms"]).scenario.budget == .duration(5_000_000))
        #expect(try runPlan(["--platform", "live", "--exits", "7"]).scenario.budget == .exits(7))
    }

    @Test("every flag sets its setting")
    func everyFlag() throws {
        let plan = try runPlan([
            "--vcpus", "7", "--pcpus", "3", "--vms", "3", "--platform", "sim", "--seed", "42", "--duration", "250us",
            "--workload", "trap-storm", "--host-perf", "--migrate-every", "500ns", "--max-buffer-size", "8192", "--idle", "poll",
            "--busy-guest", "--time-slice", "2ms", "--strategy", "pct", "--depth", "5", "--faults", "late-irq,migrate=200us",
            "--mutation", "no-drain-on-exit", "--json",
        ])
        var expected = Scenario(cpus: 3, vms: [3, 2, 2].map { VMScenario(vcpus: $0, workload: .trapStorm) }, budget: .duration(250_000))
        for index in expected.vms.indices { expected.vms[index].maxBufferSize = 8192 }
        expected.seed = 42
        expected.hostPerf = true
        expected.migrateEvery = 500
        expected.idle = .poll(window: IdlePolicy.defaultPollWindow)
        expected.busyGuest = true
        expected.timeSlice = 2_000_000
        expected.strategy = .pct(depth: 5)
        expected.faults = [.lateIRQ: FaultKind.lateIRQ.defaultInterval, .migrate: 200_000]
        expected.mutation = .noDrainOnExit
        #expect(plan.platform == .sim)
        #expect(plan.scenario == expected)
    }

    @Test("VCPUs are spread over the VMs round robin: VM i gets vcpus/vms, the first vcpus%vms one more", arguments: [
        (8, nil, [4, 4]), (1, nil, [1]), (9, "2", [5, 4]), (10, "4", [3, 3, 2, 2]), (3, "3", [1, 1, 1]), (4096, "1", [4096]),
    ] as [(Int, String?, [Int])])
    func roundRobin(vcpus: Int, vms: String?, counts: [Int]) throws {
        let arguments = ["--vcpus", "\(vcpus)"] + (vms.map { ["--vms", $0] } ?? [])
        #expect(try runPlan(arguments).scenario.vms.map(\.vcpus) == counts)
    }

    @Test("--migrate-every off: no migrator; a runtime mutation goes to runtimeMutation")
    func offAndRuntimeMutation() throws {
        #expect(try runPlan(["--migrate-every", "off"]).scenario.migrateEvery == nil)
        let plan = try runPlan(["--mutation", "put-skipped-on-move"])
        #expect(plan.scenario.runtimeMutation == .putSkippedOnMove)
        #expect(plan.scenario.mutation == nil)
    }

    @Test("SPE and runtime mutations share one namespace without a name twice")
    func mutationNamespace() {
        let names = RunMutation.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count == SPEMutation.allCases.count + RuntimeMutation.allCases.count)
        for mutation in RunMutation.all { #expect(RunMutation(name: mutation.name) == mutation) }
    }

    /// Flags and the message each must fail with.
    static let errors: [([String], String)] = [
        (["--workload", "fast"], "--workload takes one of profile, mixed, idle, trap-storm, got 'fast'"),
        (["--vcpus", "0"], "--vcpus takes a whole number from 1 to 4096, got '0'"),
        (["--vcpus", "-3"], "--vcpus takes a whole number from 1 to 4096, got '-3'"),
        (["--pcpus", "0"], "--pcpus takes a whole number from 1 to 1024, got '0'"),
        (["--pcpus", "1025"], "--pcpus takes a whole number from 1 to 1024, got '1025'"),
        (["--vms", "0"], "--vms takes a whole number from 1 to 4096, got '0'"),
        (["--exits", "0"], "--exits takes a whole number from 1 to 18446744073709551615, got '0'"),
        (["--exits", "-1"], "--exits takes a whole number from 1 to 18446744073709551615, got '-1'"),
        (["--seed", "x"], "--seed takes a whole number from 0 to 18446744073709551615, got 'x'"),
        (["--duration", "10"], "--duration takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got '10'"),
        (["--duration", "0s"], "--duration takes a duration longer than 0, got '0s'"),
        (["--duration", "-1s"], "--duration takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got '-1s'"),
        (["--duration", "18446744074s"], "--duration takes a duration of at most 18446744073709551615ns (about 584 years), got '18446744074s'"),
        (["--time-slice", "1.5ms"], "--time-slice takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got '1.5ms'"),
        (["--time-slice", "off"], "--time-slice takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got 'off'"),
        (["--migrate-every", "0ms"], "--migrate-every takes a duration longer than 0, got '0ms'"),
        (["--migrate-every", "1000"], "--migrate-every takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns) or off, got '1000'"),
        (["--duration", "1s", "--exits", "5"], "--duration and --exits are both given: give one (a run ends at one budget)"),
        (["--vms", "3", "--vcpus", "2"], "--vms 3 is more than the run's 2 VCPUs: every VM needs a VCPU, give at most 2 VMs"),
        (["--vms", "9"], "--vms 9 is more than the run's 8 VCPUs: every VM needs a VCPU, give at most 8 VMs"),
        (["--platform", "qemu"], "--platform takes live or sim, got 'qemu'"),
        (["--idle", "spin"], "--idle takes park or poll, got 'spin'"),
        (["--mutation", "nope"], "--mutation takes a mutation name 'spe-vm mutations' lists (e.g. no-service-clear-on-exit), got 'nope'"),
        (["--max-buffer-size", "5000"],
            "--max-buffer-size takes a size in bytes PMBIDR_EL1.MaxBuffSize can show, got '5000': maximum buffer size 5000 cannot be "
            + "shown in PMBIDR_EL1.MaxBuffSize: use 0 (no limit), a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes "
            + "with M 0-511, E 1-31"),
        (["--max-buffer-size", "4k"], "--max-buffer-size takes a size in bytes PMBIDR_EL1.MaxBuffSize can show, got '4k'"),
        (["--scenario="], "--scenario takes a file path, got ''"),
        (["--host-perf=yes"], "--host-perf takes no value, got 'yes'"),
        (["--seed", "1", "--seed", "2"], "--seed is given more than once: give it once"),
        (["--duration"], "--duration needs a value: a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns)"),
    ]

    @Test("a bad flag is refused with a message naming it, what it takes, and what it got", arguments: errors)
    func error(arguments: [String], message: String) {
        #expect(runError(arguments) == message)
    }

    @Test("the maximum buffer sizes MaxBuffSize shows are taken", arguments: ["0", "4096", "2093056", "2097152", "4194304"])
    func bufferSizes(bytes: String) throws {
        #expect(try runPlan(["--max-buffer-size", bytes]).scenario.vms.allSatisfy { $0.maxBufferSize == UInt64(bytes) })
    }

    @Test("the replay command repeats the arguments, quoted for a shell, and adds the seed")
    func replay() {
        #expect(RunReport.replay(arguments: ["--platform", "sim"], seed: 1) == "spe-vm run --platform sim --seed 1")
        #expect(RunReport.replay(arguments: ["--seed=9"], seed: 9) == "spe-vm run --seed=9")
        #expect(RunReport.replay(arguments: ["--scenario", "my file's.json"], seed: 3)
            == #"spe-vm run --scenario 'my file'\''s.json' --seed 3"#)
        #expect(RunReport.replay(arguments: ["--scenario", ""], seed: 3) == "spe-vm run --scenario '' --seed 3")
    }
}
