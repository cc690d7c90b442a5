import Testing

@Suite("help and version", .serialized)
struct HelpTests {
    static let commands = ["help", "registers", "mutations", "rules", "run", "exec", "stress", "replay", "shrink"]

    @Test("--help, -h and help print the usage, naming every command and global flag", arguments: [["--help"], ["-h"], ["help"]])
    func usage(arguments: [String]) throws {
        let result = try ToolProcess.run(arguments)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines.first == "usage: spe-vm [--help | --version] <command> [flags]")
        for command in Self.commands {
            #expect(result.stdoutLines.contains { $0.hasPrefix("  \(command) ") }, "no line for \(command)")
        }
        for flag in ["-h, --help", "--version"] {
            #expect(result.stdout.contains(flag))
        }
    }

    @Test("every command has its own --help, listing its flags", arguments: ["registers", "mutations", "rules", "run", "help", "stress", "replay", "shrink"])
    func commandHelp(command: String) throws {
        let result = try ToolProcess.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines.first?.hasPrefix("usage: spe-vm \(command)") == true)
        #expect(result.stdout.contains("-h, --help"))
    }

    @Test("run --help explains every flag, its default, durations, the scenario file and the exit statuses")
    func runHelp() throws {
        let result = try ToolProcess.run(["run", "-h"])
        #expect(result.status == 0)
        let expected = [
            "--vcpus N", "(default 8)", "--pcpus N", "(default 2)", "--vms N", "(default 2, at most --vcpus)", "--platform live|sim",
            "(default live)", "--seed N", "(default 1)", "--duration D", "(default 2s on live)", "--exits N", "(default 200000 on sim)",
            "--workload NAME", "(default mixed)", "--host-perf", "--migrate-every D|off", "(default 1ms)", "--max-buffer-size BYTES",
            "(default 0, no limit)", "--idle park|poll", "(default park)", "--busy-guest", "--time-slice D", "--mutation NAME",
            "--scenario FILE.json", "--json", "ns, us, ms or s", "Exit status: 0", "2 bad flags or a bad scenario file",
            "  trap-storm  trapped SPE register accesses as fast as possible", #""spu": [0, 1]"#,
        ]
        for text in expected { #expect(result.stdout.contains(text), "missing \(text)") }
        for option in ["vcpus", "pcpus", "vms", "platform", "seed", "duration", "exits", "workload", "host-perf", "migrate-every",
            "max-buffer-size", "idle", "busy-guest", "time-slice", "mutation", "scenario", "json"]
        {
            #expect(result.stdoutLines.contains { $0.hasPrefix("  --\(option)") }, "no help line for --\(option)")
        }
        #expect(try ToolProcess.run(["help", "run"]).stdout == result.stdout)
    }

    @Test("stress --help explains the campaign flags, their defaults, the faults, shards and the exit statuses")
    func stressHelp() throws {
        let result = try ToolProcess.run(["stress", "-h"])
        #expect(result.status == 0)
        let expected = [
            "--seeds N", "(default 100 unless --duration)", "--seed-start S", "(default 1)", "--duration D", "--jobs J",
            "(default this machine's cores", "--shard I/N", "(default 1/1)", "--out DIR", "--strategy random|pct", "(default random)",
            "--depth D", "(default 3)", "--faults LIST", "(default all)", "--exits N", "(default 2000 a seed on sim)",
            "--platform live|sim", "(default sim)", "  late-irq          the in-flight sample completes during the exit's drain",
            "the lowest failing seed is reported", "Exit status: 0 no seed failed",
        ]
        for text in expected { #expect(result.stdout.contains(text), "missing \(text)") }
        #expect(!result.stdout.contains("--seed N"))
    }

    @Test("--version prints the version and the series modelled")
    func version() throws {
        let result = try ToolProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "spe-vm 0.1.0 (models KVM arm64 guest SPE, v6 RFC series)\n")
        #expect(result.stderr == "")
    }
}
