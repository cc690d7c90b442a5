import Testing

@Suite("help and version", .serialized)
struct HelpTests {
    static let commands = ["help", "registers", "mutations", "rules", "run"]

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

    @Test("every command has its own --help, listing its flags", arguments: ["registers", "mutations", "rules", "run", "help"])
    func commandHelp(command: String) throws {
        let result = try ToolProcess.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines.first?.hasPrefix("usage: spe-vm \(command)") == true)
        #expect(result.stdout.contains("-h, --help"))
    }

    @Test("run --help lists every flag with its default")
    func runHelp() throws {
        let result = try ToolProcess.run(["run", "-h"])
        #expect(result.status == 0)
        let expected = [
            "--vcpus N", "(default 4)", "--pcpus N", "(default 2)", "--vms N", "--rounds N", "(default 200)",
            "--operations N", "(default 20000)", "--seed N", "(default 1)", "--host-perf", "--mutation NAME", "--json",
        ]
        for text in expected { #expect(result.stdout.contains(text), "missing \(text)") }
        #expect(try ToolProcess.run(["help", "run"]).stdout == result.stdout)
    }

    @Test("--version prints the version and the series modelled")
    func version() throws {
        let result = try ToolProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "spe-vm 0.1.0 (models KVM arm64 guest SPE, v6 RFC series)\n")
        #expect(result.stderr == "")
    }
}
