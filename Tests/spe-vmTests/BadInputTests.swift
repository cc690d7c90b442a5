import Foundation
import Testing

/// One wrong command line and what its error must say.
struct BadInput: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let message: String
    var testDescription: String { arguments.isEmpty ? "(no arguments)" : arguments.joined(separator: " ") }

    init(_ arguments: [String], _ message: String) {
        self.arguments = arguments
        self.message = message
    }
}

@Suite("bad input", .serialized)
struct BadInputTests {
    static let cases: [BadInput] = [
        BadInput([], "spe-vm: no command given: commands are help, registers, mutations, rules, run"),
        BadInput(["frobnicate"], "spe-vm: unknown command 'frobnicate': commands are help, registers, mutations, rules, run"),
        BadInput(["--verbose"], "spe-vm: unknown flag '--verbose': before a command only --help, -h and --version are allowed"),
        BadInput(["--version", "run"], "spe-vm: '--version' takes no argument 'run'"),
        BadInput(["help", "frobnicate"], "spe-vm: unknown command 'frobnicate'"),
        BadInput(["help", "run", "now"], "spe-vm: 'help' takes no argument 'now'"),
        BadInput(["run", "--cpus", "2"], "spe-vm: unknown flag '--cpus' for 'run': its flags are --vcpus, --pcpus, --vms,"),
        BadInput(["run", "-v"], "spe-vm: unknown flag '-v' for 'run'"),
        BadInput(["run", "fast"], "spe-vm: 'run' takes no argument 'fast'"),
        BadInput(["run", "--vcpus"], "spe-vm: --vcpus needs a value: a whole number from 1 to 4096"),
        BadInput(["run", "--vcpus", "x"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got 'x'"),
        BadInput(["run", "--vcpus", "0"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got '0'"),
        BadInput(["run", "--vcpus", "-3"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got '-3'"),
        BadInput(["run", "--vcpus", "4097"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got '4097'"),
        BadInput(["run", "--vcpus", " 4"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got ' 4'"),
        BadInput(["run", "--vcpus", "+4"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got '+4'"),
        BadInput(["run", "--vcpus=2.5"], "spe-vm: --vcpus takes a whole number from 1 to 4096, got '2.5'"),
        BadInput(["run", "--pcpus", "0"], "spe-vm: --pcpus takes a whole number from 1 to 1024, got '0'"),
        BadInput(["run", "--vms", "-1"], "spe-vm: --vms takes a whole number from 1 to 4096, got '-1'"),
        BadInput(["run", "--exits", "0"], "spe-vm: --exits takes a whole number from 1 to 18446744073709551615, got '0'"),
        BadInput(["run", "--exits", "0x10"], "spe-vm: --exits takes a whole number from 1 to 18446744073709551615, got '0x10'"),
        BadInput(["run", "--seed", "18446744073709551616"],
            "spe-vm: --seed takes a whole number from 0 to 18446744073709551615, got '18446744073709551616'"),
        BadInput(["run", "--vms", "3", "--vcpus", "2"], "spe-vm: --vms 3 is more than the run's 2 VCPUs: every VM needs a VCPU"),
        BadInput(["run", "--workload", "fast"], "spe-vm: --workload takes one of profile, mixed, idle, trap-storm, got 'fast'"),
        BadInput(["run", "--platform", "kvm"], "spe-vm: --platform takes live or sim, got 'kvm'"),
        BadInput(["run", "--duration", "10"],
            "spe-vm: --duration takes a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns), got '10'"),
        BadInput(["run", "--duration", "0s"], "spe-vm: --duration takes a duration longer than 0, got '0s'"),
        BadInput(["run", "--duration", "20000000000s"],
            "spe-vm: --duration takes a duration of at most 18446744073709551615ns (about 584 years), got '20000000000s'"),
        BadInput(["run", "--time-slice", "1.5ms"], "spe-vm: --time-slice takes a duration: a whole number and a unit"),
        BadInput(["run", "--migrate-every", "never"], "spe-vm: --migrate-every takes a duration: a whole number and a unit"),
        BadInput(["run", "--duration", "1s", "--exits", "5"], "spe-vm: --duration and --exits are both given: give one"),
        BadInput(["run", "--hide", "FnE,"],
            "spe-vm: --hide takes none, or PMSIDR_EL1 feature names separated by commas (features: FE, FT, FL, FnE, ArchInst, LDS, ERnd), got 'FnE,': an empty feature name"),
        BadInput(["stress", "--guest-driver", "old"], "spe-vm: --guest-driver takes den0154 or legacy, got 'old'"),
        BadInput(["run", "--guest-sampling", "load"],
            "spe-vm: --guest-sampling takes one of all, loads, stores, branches, discard, got 'load'"),
        BadInput(["run", "--host-work", "-1"], "spe-vm: --host-work takes a whole number from 0 to 1000000, got '-1'"),
        BadInput(["run", "--max-buffer-size", "5000"],
            "spe-vm: --max-buffer-size takes a size in bytes PMBIDR_EL1.MaxBuffSize can show, got '5000': maximum buffer size 5000 "
            + "cannot be shown in PMBIDR_EL1.MaxBuffSize"),
        BadInput(["run", "--idle", "spin"], "spe-vm: --idle takes park or poll, got 'spin'"),
        BadInput(["run", "--mutation", "no-such-bug"],
            "spe-vm: --mutation takes a mutation name 'spe-vm mutations' lists (e.g. no-service-clear-on-exit), got 'no-such-bug'"),
        BadInput(["run", "--mutation"], "spe-vm: --mutation needs a value"),
        BadInput(["run", "--strategy", "dfs"], "spe-vm: --strategy takes random or pct, got 'dfs'"),
        BadInput(["run", "--strategy", "pct", "--depth", "0"], "spe-vm: --depth takes a whole number from 1 to 1000, got '0'"),
        BadInput(["run", "--depth", "4"], "spe-vm: --depth 4 applies to the pct strategy only: add --strategy pct (random has no depth)"),
        BadInput(["run", "--faults", "migrate,bogus"],
            "spe-vm: --faults takes none, all, or fault names separated by commas, each with an optional =D mean interval "
            + "(faults: migrate, host-perf, stage2-unmap, memlock, spurious-irq, kick-storm, late-irq, guest-misprogram), "
            + "got 'migrate,bogus': unknown fault 'bogus'"),
        BadInput(["run", "--faults", "migrate,migrate"], "spe-vm: --faults takes none, all, or fault names"),
        BadInput(["run", "--faults", "memlock=0us"], "spe-vm: --faults takes none, all, or fault names"),
        BadInput(["run", "--faults", ""], "spe-vm: --faults takes none, all, or fault names"),
        BadInput(["run", "--scenario"], "spe-vm: --scenario needs a value: a file path"),
        BadInput(["run", "--scenario", "/nonexistent/s.json"], "spe-vm: cannot read '/nonexistent/s.json': no such file"),
        BadInput(["run", "--scenario", "/"], "spe-vm: cannot read '/': it is a directory"),
        BadInput(["run", "--scenario", "/dev/zero"], "spe-vm: cannot read '/dev/zero': it is not a regular file"),
        BadInput(["run", "--json=yes"], "spe-vm: --json takes no value, got 'yes'"),
        BadInput(["run", "--seed", "1", "--seed", "2"], "spe-vm: --seed is given more than once"),
        BadInput(["stress", "--strategy", "dfs"], "spe-vm: --strategy takes random or pct, got 'dfs'"),
        BadInput(["stress", "--depth", "0"], "spe-vm: --depth takes a whole number from 1 to 1000, got '0'"),
        BadInput(["stress", "--mutation", "no-such-bug"], "spe-vm: --mutation takes a mutation name 'spe-vm mutations' lists"),
        BadInput(["stress", "--faults", "gremlins"], "spe-vm: --faults takes none, all, or fault names"),
        BadInput(["stress", "--shard", "3/2"],
            "spe-vm: --shard takes I/N: slice I of N, numbered from 1 (1 <= I <= N), got '3/2': slice 3 of 2 does not exist"),
        BadInput(["stress", "--shard", "0/0"], "spe-vm: --shard takes I/N: slice I of N, numbered from 1 (1 <= I <= N), got '0/0': there must be at least one slice"),
        BadInput(["stress", "--shard", "0/4"], "spe-vm: --shard takes I/N: slice I of N, numbered from 1 (1 <= I <= N), got '0/4': slices are numbered from 1"),
        BadInput(["stress", "--shard", "1-2"], "spe-vm: --shard takes I/N: slice I of N, numbered from 1 (1 <= I <= N), got '1-2'"),
        BadInput(["stress", "--seeds", "0"], "spe-vm: --seeds takes a whole number from 1 to 18446744073709551615, got '0'"),
        BadInput(["stress", "--jobs", "0"], "spe-vm: --jobs takes a whole number from 1 to 1024, got '0'"),
        BadInput(["stress", "--seed", "5"], "spe-vm: unknown flag '--seed' for 'stress'"),
        BadInput(["stress", "--seed-start", "18446744073709551615", "--seeds", "2"],
            "spe-vm: --seed-start 18446744073709551615 with 2 seeds runs past the last seed"),
        BadInput(["stress", "--platform", "live", "--seeds", "5"], "spe-vm: --seeds applies to a simulated campaign"),
        BadInput(["stress", "--out", "/dev/null/x"], "spe-vm: cannot write '/dev/null/x'"),
        BadInput(["replay"], "spe-vm: 'replay' needs a replay file"),
        BadInput(["replay", "/nonexistent/replay.json"], "spe-vm: cannot read '/nonexistent/replay.json': no such file"),
        BadInput(["replay", "/"], "spe-vm: cannot read '/': it is a directory"),
        BadInput(["replay", "a.json", "b.json"], "spe-vm: 'replay' takes one FILE and its flags, got an extra argument 'b.json'"),
        BadInput(["shrink"], "spe-vm: 'shrink' needs a replay file"),
        BadInput(["shrink", "/nonexistent/replay.json"], "spe-vm: cannot read '/nonexistent/replay.json': no such file"),
        BadInput(["shrink", "x.json", "--runs", "0"], "spe-vm: --runs takes a whole number from 1 to 100000, got '0'"),
        BadInput(["registers", "--xml"], "spe-vm: unknown flag '--xml' for 'registers': its flags are --json, --help"),
        BadInput(["mutations", "--json"], "spe-vm: unknown flag '--json' for 'mutations': its flags are --help"),
        BadInput(["rules", "all"], "spe-vm: 'rules' takes no argument 'all'"),
    ]

    @Test("bad input: one error line naming the mistake, a hint to --help, exit status 2", arguments: cases)
    func badInput(_ input: BadInput) throws {
        let result = try ToolProcess.run(input.arguments)
        #expect(result.exitedNormally)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderrLines.count == 2)
        #expect(result.stderrLines.first?.hasPrefix(input.message) == true, "stderr: \(result.stderr)")
        #expect(result.stderrLines.last?.hasPrefix("Run 'spe-vm ") == true)
        #expect(result.stderrLines.last?.hasSuffix("--help' for usage.") == true)
    }
}

/// Scenario files that are wrong, and what their error must say after `spe-vm: <path>: `.
struct BadScenario: Sendable, CustomTestStringConvertible {
    let text: String
    let message: String
    var testDescription: String { text }

    init(_ text: String, _ message: String) {
        self.text = text
        self.message = message
    }
}

@Suite("bad scenario files", .serialized)
struct BadScenarioFileTests {
    static let cases: [BadScenario] = [
        BadScenario(#"{"pcpus": 2, "vms": [{"vcpus": 1}, {"vcpus": 2, "spu": [5]}]}"#, "vms[1].spu[0]: CPU 5 has no SPU: the run has 2 physical CPUs (0–1)"),
        BadScenario(#"{"vms": [{"vcpus": "four"}]}"#, #"vms[0].vcpus takes a whole number from 1 to 4096, got "four""#),
        BadScenario(#"{"vms": [{"vcpus": 0}]}"#, "vms[0].vcpus takes a whole number from 1 to 4096, got 0"),
        BadScenario(#"{"vms": [{"vcpus": 2, "workload": "fast"}]}"#, #"vms[0].workload takes one of profile, mixed, idle, trap-storm, got "fast""#),
        BadScenario(#"{"migrate_every": "5"}"#, #"migrate_every takes a duration: a whole number and a unit"#),
        BadScenario(#"{"exits": 10, "duration": "1s"}"#, "duration and exits are both given: give one"),
        BadScenario(#"{"cpus": 3}"#, "unknown key 'cpus': the keys are vcpus, pcpus, vms, platform, seed, duration, exits, workload,"),
        BadScenario("{\"pcpus\": 2,\n \"vms\": [}", "line 2, column 10: expected a value (an object, array, string, number, true, false or null), found '}'"),
        BadScenario("", "line 1, column 1: expected a value"),
    ]

    @Test("a bad scenario file: one error line naming the file and the key, exit status 2", arguments: cases)
    func badScenario(_ input: BadScenario) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try scratch.write("scenario.json", input.text)
        let result = try ToolProcess.run(["run", "--scenario", path, "--platform", "sim"])
        #expect(result.exitedNormally)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderrLines.count == 2)
        #expect(result.stderrLines.first?.hasPrefix("spe-vm: \(path): \(input.message)") == true, "stderr: \(result.stderr)")
        #expect(result.stderrLines.last == "Run 'spe-vm run --help' for usage.")
    }

    @Test("a file that is not UTF-8 text is refused, not a crash")
    func notText() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.path("binary.json")
        try Data([0xFF, 0xFE, 0x00, 0x7B]).write(to: URL(fileURLWithPath: path))
        let result = try ToolProcess.run(["run", "--scenario", path])
        #expect(result.status == 2)
        #expect(result.stderrLines.first == "spe-vm: \(path): the file is not UTF-8 text: a scenario is a JSON object")
    }
}
