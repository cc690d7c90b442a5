import Foundation
import SPEDevice
import Testing

/// A temporary directory for one test's scripts and dumps, removed by `cleanUp()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("spe-vm-exec-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `spe-vm arguments` with `input` on its standard input (ToolProcess gives it /dev/null).
func runTool(_ arguments: [String], input: String) throws -> ToolResult {
    let scratch = try ScratchDirectory()
    defer { scratch.cleanUp() }
    let inPath = try scratch.write("stdin", input)
    let outURL = scratch.url.appendingPathComponent("stdout")
    let errURL = scratch.url.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = try ToolProcess.binary()
    process.arguments = arguments
    let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardInput = stdin
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try stdin.close()
    try out.close()
    try err.close()
    return ToolResult(
        arguments: arguments, status: process.terminationStatus, exitedNormally: process.terminationReason == .exit,
        stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

@Suite("exec", .serialized)
struct ExecToolTests {
    /// A buffer of two pages fills: 127 records, then the one that leaves no room for another.
    static let filling = """
        # A two-page buffer fills.
        map 0x80000000 0x80002000
        write PMSCR_EL1 0x3
        write PMSIRR_EL1 0x100
        write PMBPTR_EL1 0x80000000
        write PMBLIMITR_EL1 0x80002001
        read PMBSR_EL1
        run 100000
        expect PMBSR_EL1 0x20001
        read PMBPTR_EL1
        virq
        expect virq 1
        """

    static let fillingOutput = [
        "PMBSR_EL1=0x0000000000000000",
        "PMBPTR_EL1=0x0000000080002000",
        "virq 21 level=1",
    ]

    @Test("exec FILE: exit 0 and the lines the script prints")
    func passingScript() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let result = try ToolProcess.run(["exec", try scratch.write("fill.spe", Self.filling)])
        #expect(result.exitedNormally)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines == Self.fillingOutput)
    }

    @Test("a failing expect: exit 1 and its line on standard output")
    func failingExpect() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let text = Self.filling + "\nexpect PMBSR_EL1 0x0\nexpect PMBPTR_EL1 0x2000 0xffff\nexpect virq 0\n"
        let result = try ToolProcess.run(["exec", try scratch.write("fail.spe", text)])
        #expect(result.exitedNormally)
        #expect(result.status == 1)
        #expect(result.stderr == "")
        #expect(
            result.stdoutLines == Self.fillingOutput + [
                "expect failed: line 13: PMBSR_EL1=0x0000000000020001 want 0x0000000000000000 mask 0xffffffffffffffff",
                "expect failed: line 15: virq 21 level=1 want 0",
            ])
        // Line 14 holds under its mask: nothing printed for it.
    }

    @Test("exec - reads the script from standard input")
    func standardInput() throws {
        let result = try runTool(["exec", "-"], input: Self.filling)
        #expect(result.exitedNormally)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines == Self.fillingOutput)
    }

    @Test("a script error: exit 2, the path and line on standard error, nothing run")
    func scriptError() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try scratch.write("bad.spe", "read PMBSR_EL1\n# fine so far\nwrite PMBSR_EL1\n")
        let result = try ToolProcess.run(["exec", path])
        #expect(result.exitedNormally)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(
            result.stderrLines == [
                "spe-vm: \(path): line 3: 'write' takes a register and a value: write REG VALUE",
                "Run 'spe-vm exec --help' for usage.",
            ])
        let fromStdin = try runTool(["exec", "-"], input: "run 99999999999")
        #expect(fromStdin.status == 2)
        #expect(
            fromStdin.stderrLines.first
                == "spe-vm: <stdin>: line 1: run takes at most 1000000000 operations per line, got 99999999999: split it over several lines")
    }

    @Test("a missing file, no operand or two operands: exit 2")
    func badOperands() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let missing = scratch.path("no-such.spe")
        let cases: [([String], String)] = [
            (["exec", missing], "spe-vm: cannot read '\(missing)': "),
            (["exec"], "spe-vm: 'exec' needs a script file, or '-' for standard input"),
            (["exec", missing, "second.spe"], "spe-vm: 'exec' takes one FILE and its flags, got an extra argument 'second.spe'"),
        ]
        for (arguments, message) in cases {
            let result = try ToolProcess.run(arguments)
            #expect(result.exitedNormally)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stdout == "")
            #expect(result.stderrLines.count == 2)
            #expect(result.stderrLines.first?.hasPrefix(message) == true, "stderr: \(result.stderr)")
            #expect(result.stderrLines.last == "Run 'spe-vm exec --help' for usage.")
        }
    }

    @Test("dump FILE writes exactly the bytes from the buffer base to PMBPTR_EL1, which decode")
    func dump() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let full = scratch.path("full.bin")
        let part = scratch.path("part.bin")
        let empty = scratch.path("empty.bin")
        let text = """
            map 0x80000000 0x80004000
            write PMSCR_EL1 0x2b
            write PMSIRR_EL1 0x100
            write PMBPTR_EL1 0x80001000
            write PMBLIMITR_EL1 0x80004001
            dump \(empty)
            run 20000
            read PMBPTR_EL1
            dump \(part)
            run 100000
            expect PMBSR_EL1 0x20001
            read PMBPTR_EL1
            dump \(full)
            """
        let result = try ToolProcess.run(["exec", try scratch.write("dump.spe", text)])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        // From 0x80001000: 77 records after 20000 operations; full at the limit, 0x80004000.
        #expect(result.stdoutLines == ["PMBPTR_EL1=0x0000000080002340", "PMBPTR_EL1=0x0000000080004000"])
        let emptyBytes = try Data(contentsOf: URL(fileURLWithPath: empty))
        let partBytes = try Data(contentsOf: URL(fileURLWithPath: part))
        let fullBytes = try Data(contentsOf: URL(fileURLWithPath: full))
        #expect(emptyBytes.count == 0)
        #expect(partBytes.count == 0x1340)
        #expect(partBytes.count == 77 * 64)
        #expect(fullBytes.count == 0x3000)
        #expect(fullBytes.count == 192 * 64)
        #expect(fullBytes.prefix(partBytes.count) == partBytes)
        let records = try RecordDecoder.decode(Array(fullBytes), maxSize: 64, allowTruncatedTail: false)
        #expect(records.count == 192)
        #expect(records.allSatisfy { !$0.truncated })
        #expect(records.allSatisfy { $0.description.contains("context=el1:0x00010000") })
    }

    @Test("the same script run twice prints the same output")
    func deterministic() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let text = """
            config vcpus 2
            config pcpus 2
            config seed 99
            host-perf on
            map 0x80000000 0x80004000
            write PMSCR_EL1 0x2b
            write PMSIRR_EL1 0x101
            write PMBPTR_EL1 0x80000000
            write PMBLIMITR_EL1 0x80004001
            run 50000
            migrate 1
            run 50000
            records
            stats
            """
        let path = try scratch.write("twice.spe", text)
        let first = try ToolProcess.run(["exec", path])
        let second = try ToolProcess.run(["exec", path])
        #expect(first.status == 0)
        #expect(first.stdoutLines.count > 100)
        #expect(first.stdout == second.stdout)
        #expect(first.stderr == second.stderr)
    }

    @Test("the README's example script passes")
    func readmeExample() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "```\nmap 0 0x2000"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let example = String(text[text.index(start.lowerBound, offsetBy: 4)..<end.lowerBound])
        #expect(example.split(separator: "\n").count == 6)
        let result = try runTool(["exec", "-"], input: example)
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "")
        let broken = try runTool(["exec", "-"], input: example + "expect PMBSR_EL1 0\n")
        #expect(broken.status == 1)
        #expect(broken.stdoutLines == ["expect failed: line 7: PMBSR_EL1=0x0000000000020001 want 0x0000000000000000 mask 0xffffffffffffffff"])
    }
}
