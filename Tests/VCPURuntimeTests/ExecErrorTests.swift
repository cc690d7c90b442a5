import SPEDevice
import Testing

@testable import VCPURuntime

/// One wrong script and the exact error it must be refused with.
struct BadScript: Sendable, CustomTestStringConvertible {
    let text: String
    let message: String
    var testDescription: String { text.replacingOccurrences(of: "\n", with: " ⏎ ") }

    init(_ text: String, _ message: String) {
        self.text = text
        self.message = message
    }
}

@Suite struct ExecErrorTests {
    static let commands =
        "commands are config, vcpu, migrate, map, unmap, write, read, expect, run, virq, records, dump, stats, host-perf"
    static let notANumber = "is not a number: use decimal or 0x hex, '|' to OR several"
    static let registers =
        "known registers are PMSCR_EL1, PMSNEVFR_EL1, PMSICR_EL1, PMSIRR_EL1, PMSFCR_EL1, PMSEVFR_EL1, PMSLATFR_EL1, "
        + "PMSIDR_EL1, PMBLIMITR_EL1, PMBPTR_EL1, PMBSR_EL1, PMBIDR_EL1, PMSCR_EL2, MDCR_EL2, ID_AA64DFR0_EL1"

    /// Every error path of `GuestScript(parsing:)`, `ScriptCommand(words:line:)` and the configuration.
    static let cases: [BadScript] = [
        // Commands and their arguments.
        BadScript("bogus", "line 1: unknown command 'bogus': \(commands)"),
        BadScript("# comment\n\n  \nbogus 1 2", "line 4: unknown command 'bogus': \(commands)"),
        BadScript("RUN 5", "line 1: unknown command 'RUN': \(commands)"),
        BadScript("\u{01}\u{7f}", "line 1: unknown command '\u{01}\u{7f}': \(commands)"),
        BadScript("config", "line 1: 'config' takes a key and a value: config KEY VALUE"),
        BadScript("config vcpus", "line 1: 'config' takes a key and a value: config KEY VALUE"),
        BadScript("config vcpus 2 3", "line 1: 'config' takes a key and a value: config KEY VALUE"),
        BadScript("config colour blue",
            "line 1: unknown config key 'colour': keys are max-buffer-size, memlock-limit, spe-irq, vcpus, pcpus, seed, hide, mutation, host-work"),
        BadScript("config max-buffer-size big", "line 1: max-buffer-size 'big' \(notANumber)"),
        BadScript("config max-buffer-size 0x1001",
            "line 1: maximum buffer size 4097 cannot be shown in PMBIDR_EL1.MaxBuffSize: use 0 (no limit), "
                + "a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes with M 0-511, E 1-31"),
        BadScript("config memlock-limit -1", "line 1: memlock-limit '-1' \(notANumber)"),
        BadScript("config spe-irq x", "line 1: spe-irq 'x' \(notANumber)"),
        BadScript("config spe-irq 0x100000000", "line 1: spe-irq 0x100000000 is not an INTID"),
        BadScript("config spe-irq 15", "line 1: spe-irq 15 is not a PPI: the SPE interrupt must be INTID 16 to 31"),
        BadScript("config spe-irq 32", "line 1: spe-irq 32 is not a PPI: the SPE interrupt must be INTID 16 to 31"),
        BadScript("config vcpus 0", "line 1: vcpus takes a whole number from 1 to 64, got '0'"),
        BadScript("config vcpus 65", "line 1: vcpus takes a whole number from 1 to 64, got '65'"),
        BadScript("config vcpus two", "line 1: vcpus takes a whole number from 1 to 64, got 'two'"),
        BadScript("config pcpus 0x41", "line 1: pcpus takes a whole number from 1 to 64, got '0x41'"),
        BadScript("config seed 18446744073709551616", "line 1: seed '18446744073709551616' \(notANumber)"),
        BadScript("config hide Foo",
            "line 1: unknown PMSIDR_EL1 feature 'Foo': features are FE, FT, FL, FnE, ArchInst, LDS, ERnd"),
        BadScript("config mutation nope", "line 1: unknown mutation 'nope': run 'spe-vm mutations' for the list"),
        BadScript("read PMSCR_EL1\nconfig vcpus 2",
            "line 2: config after the guest started: put every config line before the first guest action"),
        BadScript("run 0\nconfig seed 1",
            "line 2: config after the guest started: put every config line before the first guest action"),
        BadScript("vcpu", "line 1: 'vcpu' takes a VCPU number: vcpu N"),
        BadScript("vcpu 0 1", "line 1: 'vcpu' takes a VCPU number: vcpu N"),
        BadScript("vcpu x", "line 1: vcpu takes a number from 0, got 'x'"),
        BadScript("vcpu 4096", "line 1: vcpu takes a number from 0, got '4096'"),
        BadScript("migrate", "line 1: 'migrate' takes a physical CPU number: migrate N"),
        BadScript("migrate -1", "line 1: migrate takes a number from 0, got '-1'"),
        BadScript("map 0x1000", "line 1: 'map' takes a range: map START END"),
        BadScript("map 0x1000 0x2000 0x3000", "line 1: 'map' takes a range: map START END"),
        BadScript("map zero 0x2000", "line 1: start address 'zero' \(notANumber)"),
        BadScript("map 0x1000 0x", "line 1: end address '0x' \(notANumber)"),
        BadScript("map 0x2000 0x1000", "line 1: the range [0x2000, 0x1000) is empty: START must be below END"),
        BadScript("map 0x1000 4096", "line 1: the range [0x1000, 4096) is empty: START must be below END"),
        BadScript("unmap stage1 0x1000", "line 1: 'unmap' takes a stage and a range: unmap stage1|stage2 START END"),
        BadScript("unmap stage3 0x1000 0x2000", "line 1: unmap takes stage1 or stage2, got 'stage3'"),
        BadScript("unmap stage2 0x1000 0x1000", "line 1: the range [0x1000, 0x1000) is empty: START must be below END"),
        BadScript("write PMSCR_EL1", "line 1: 'write' takes a register and a value: write REG VALUE"),
        BadScript("write PMFOO_EL1 1", "line 1: unknown register 'PMFOO_EL1': \(registers)"),
        BadScript("write PMSCR_EL1 0x3|", "line 1: value '0x3|' \(notANumber)"),
        BadScript("write PMSCR_EL1 1.5", "line 1: value '1.5' \(notANumber)"),
        BadScript("read", "line 1: 'read' takes a register: read REG"),
        BadScript("read PMSCR_EL1 PMSICR_EL1", "line 1: 'read' takes a register: read REG"),
        BadScript("read PMSCR", "line 1: unknown register 'PMSCR': \(registers)"),
        BadScript("expect PMBSR_EL1",
            "line 1: 'expect' takes a register, a value and an optional mask (expect REG VALUE [MASK]), or expect virq 0|1"),
        BadScript("expect PMBSR_EL1 0 0xff 0xff",
            "line 1: 'expect' takes a register, a value and an optional mask (expect REG VALUE [MASK]), or expect virq 0|1"),
        BadScript("expect virq 2", "line 1: expect virq takes 0 or 1, got '2'"),
        BadScript("expect virq", "line 1: 'expect' takes a register, a value and an optional mask (expect REG VALUE [MASK]), or expect virq 0|1"),
        BadScript("expect virq 1 1", "line 1: unknown register 'virq': \(registers)"),
        BadScript("expect PMBSR_EL1 0 mask", "line 1: mask 'mask' \(notANumber)"),
        BadScript("expect PMBSR_EL1 S", "line 1: value 'S' \(notANumber)"),
        BadScript("expect NOPE 0", "line 1: unknown register 'NOPE': \(registers)"),
        BadScript("run", "line 1: 'run' takes a number of operations: run OPS"),
        BadScript("run 1 2", "line 1: 'run' takes a number of operations: run OPS"),
        BadScript("run many", "line 1: run 'many' \(notANumber)"),
        BadScript("run 99999999999",
            "line 1: run takes at most 1000000000 operations per line, got 99999999999: split it over several lines"),
        BadScript("run 1000000001",
            "line 1: run takes at most 1000000000 operations per line, got 1000000001: split it over several lines"),
        BadScript("virq 1", "line 1: 'virq' takes nothing"),
        BadScript("records all", "line 1: 'records' takes nothing"),
        BadScript("stats now", "line 1: 'stats' takes nothing"),
        BadScript("dump", "line 1: 'dump' takes a file name: dump FILE"),
        BadScript("dump a b", "line 1: 'dump' takes a file name: dump FILE"),
        BadScript("host-perf", "line 1: 'host-perf' takes on or off"),
        BadScript("host-perf yes", "line 1: host-perf takes on or off, got 'yes'"),
        // Numbers checked against the configuration, after the whole script parsed.
        BadScript("vcpu 1", "line 1: vcpu 1 does not exist: VCPUs are 0 to 0 (config vcpus N)"),
        BadScript("config vcpus 4\nvcpu 3\nvcpu 4", "line 3: vcpu 4 does not exist: VCPUs are 0 to 3 (config vcpus N)"),
        BadScript("migrate 1", "line 1: migrate 1: physical CPUs are 0 to 0 (config pcpus N)"),
        BadScript("config pcpus 2\n\nmigrate 2", "line 3: migrate 2: physical CPUs are 0 to 1 (config pcpus N)"),
        // The first wrong line wins; tabs separate words.
        BadScript("bogus\nalso bogus", "line 1: unknown command 'bogus': \(commands)"),
        BadScript("run 1\nrun\t2\t# two\nrun x\n", "line 3: run 'x' \(notANumber)"),
    ]

    @Test(arguments: cases)
    func refusedWithTheExactMessage(_ bad: BadScript) {
        do {
            let script = try GuestScript(parsing: bad.text)
            Issue.record("parsed: \(script.lines.map(\.command))")
        } catch {
            #expect(error.description == bad.message)
            guard case .script(let line, _) = error else {
                Issue.record("not a script error: \(error)")
                return
            }
            #expect(line >= 1 && line <= bad.text.split(separator: "\n", omittingEmptySubsequences: false).count)
        }
    }

    /// Valid scripts at the edges of what the parser accepts.
    @Test func edgesThatParse() throws {
        let parsed = try GuestScript(
            parsing: """
                vcpu 1   # a VCPU line before the config that creates it is fine: numbers are checked last
                config vcpus 2
                config pcpus 64
                config max-buffer-size 0x300000
                config memlock-limit 0
                config spe-irq 16
                config hide fne
                config hide FnE
                config seed 0xffff_ffff_ffff_ffff
                migrate 63
                write PMSCR_EL1 0x1|0x2|0x8
                expect virq 0
                expect pmsidr_el1 0x26007 0x7f
                run 1000000000
                run 0
                """)
        #expect(parsed.configuration.vcpus == 2)
        #expect(parsed.configuration.pcpus == 64)
        #expect(parsed.configuration.maxBufferSize == 0x30_0000)
        #expect(parsed.configuration.memlockLimit == 0)
        #expect(parsed.configuration.speIRQ == 16)
        #expect(parsed.configuration.hidden == [.FnE])
        #expect(parsed.configuration.seed == .max)
        #expect(parsed.lines.map(\.line) == Array(1...15))
        #expect(parsed.lines[10].command == .write(.PMSCR_EL1, 0xb))
        #expect(parsed.lines[12].command == .expect(.PMSIDR_EL1, value: 0x26007, mask: 0x7f))
        #expect(parsed.lines[13].command == .run(1_000_000_000))
    }

    /// The parser treats `\r` as a word separator, so CRLF scripts are meant to parse; but Swift's
    /// `split(separator: "\n")` works on Characters and `"\r\n"` is one Character, so a CRLF script is
    /// one long line.
    @Test
    func crlfScriptParses() throws {
        let parsed = try GuestScript(parsing: "run 1\r\nrun 2\r\n")
        #expect(parsed.lines.map(\.line) == [1, 2])
        #expect(parsed.lines.map(\.command) == [.run(1), .run(2)])
    }

    /// GuestScript's promise, "refused with the first wrong line": a VCPU or CPU number out
    /// of range is only checked once the whole script parsed, so a later syntax error wins.
    @Test
    func firstWrongLineWinsOverLaterSyntaxError() {
        #expect(throws: RuntimeError.script(line: 1, message: "vcpu 5 does not exist: VCPUs are 0 to 0 (config vcpus N)")) {
            try GuestScript(parsing: "vcpu 5\nbogus")
        }
    }
}
