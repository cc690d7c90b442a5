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
        BadInput(["run", "--rounds", "-1"], "spe-vm: --rounds takes a whole number from 1 to 1000000, got '-1'"),
        BadInput(["run", "--operations", "0x10"], "spe-vm: --operations takes a whole number from 1 to 100000000, got '0x10'"),
        BadInput(["run", "--seed", "18446744073709551616"],
            "spe-vm: --seed takes a whole number from 0 to 18446744073709551615, got '18446744073709551616'"),
        BadInput(["run", "--vms", "3", "--vcpus", "2"], "spe-vm: --vms 3 is more than --vcpus 2: every VM needs a VCPU"),
        BadInput(["run", "--mutation", "no-such-bug"], "spe-vm: --mutation does not know 'no-such-bug': mutations are the names 'spe-vm mutations' lists"),
        BadInput(["run", "--mutation"], "spe-vm: --mutation needs a value"),
        BadInput(["run", "--json=yes"], "spe-vm: --json takes no value, got 'yes'"),
        BadInput(["run", "--seed", "1", "--seed", "2"], "spe-vm: --seed is given more than once"),
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
