import Foundation
import Testing

@testable import spe_vm

/// `--trace FILE.json` on `spe-vm run`, `latency` and `replay` as a user runs them: the file read
/// back against the run's own report, bad paths refused before the run, the file written whole
/// or not at all.
@Suite("trace", .serialized)
struct TraceToolTests {
    /// A small simulated run: 4 VCPUs in 2 VMs on 2 CPUs, 1,000 exits.
    static let small = ["--platform", "sim", "--vcpus", "4", "--pcpus", "2", "--exits", "1000"]

    /// The trace file at `path`: its metadata and events.
    static func read(_ path: String) throws -> (metadata: [String: Any], events: [[String: Any]]) {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(object["displayTimeUnit"] as? String == "ns")
        return (try #require(object["metadata"] as? [String: Any]), try #require(object["traceEvents"] as? [[String: Any]]))
    }

    /// Guest runs (`X`) of one track that overlap.
    static func overlaps(_ events: [[String: Any]]) -> Int {
        var tracks: [Int: [(Double, Double)]] = [:]
        for event in events where event["ph"] as? String == "X" {
            let ts = event["ts"] as? Double ?? 0
            tracks[event["tid"] as? Int ?? 0, default: []].append((ts, ts + (event["dur"] as? Double ?? 0)))
        }
        return tracks.values.reduce(0) { count, slices in
            let sorted = slices.sorted { $0.0 < $1.0 }
            return count + zip(sorted, sorted.dropFirst()).filter { $0.0.1 > $0.1.0 + 1e-9 }.count
        }
    }

    static func count(_ events: [[String: Any]], ph: String, cat: String? = nil, pid: Int? = nil) -> Int {
        events.filter {
            $0["ph"] as? String == ph && (cat == nil || $0["cat"] as? String == cat) && (pid == nil || $0["pid"] as? Int == pid)
        }.count
    }

    @Test("run --trace writes a trace whose counts are the report's, and says nothing more")
    func runTrace() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.path("t.json")
        let result = try ToolProcess.run(["run"] + Self.small + ["--json", "--host-perf", "--trace", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let report = try ToolProcess.jsonObject(result.stdout)
        let (metadata, events) = try Self.read(path)
        let exits = try #require(report["exits"] as? [String: Int])
        let interrupts = try #require(report["interrupts"] as? [String: Any])
        let physical = try #require(interrupts["physical"] as? [String: Int])
        let virtual = try #require(interrupts["virtual"] as? [String: Int])
        let spe = try #require(report["spe"] as? [String: Any])
        #expect(Self.count(events, ph: "X", cat: "guest") == exits["total"]! - exits["locked_memory"]!)
        #expect(Self.count(events, ph: "i", cat: "irq") == physical.values.reduce(0, +))
        #expect(Self.count(events, ph: "i", cat: "virq", pid: 1) == virtual["delivered"])
        #expect(Self.count(events, ph: "i", cat: "spe") == spe["hardware_management_events"] as? Int)
        #expect(Self.count(events, ph: "s") == Self.count(events, ph: "f"))
        #expect(Self.overlaps(events) == 0)
        #expect(metadata["platform"] as? String == "sim")
        #expect(metadata["truncated"] as? Bool == false)
        #expect(metadata["tool"] as? String == Tool.version)
        #expect(metadata["command"] as? String == "spe-vm run " + (Self.small + ["--json", "--host-perf", "--trace", path]).joined(separator: " "))
        #expect((metadata["note"] as? String)?.contains("not measurements of KVM") == true)
        #expect(metadata["end_ns"] as? Int == report["platform_time_ns"] as? Int)
    }

    @Test("latency --trace and a live run's --trace write traces too")
    func latencyAndLiveTraces() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let latency = try ToolProcess.run(
            ["latency", "--platform", "sim", "--vcpus", "2", "--pcpus", "1", "--loops", "5", "--trace", scratch.path("l.json")])
        #expect(latency.status == 0, "\(latency.stderr)")
        let (_, events) = try Self.read(scratch.path("l.json"))
        // Each of the 2 VCPUs took its 5 timer interrupts.
        #expect(events.filter { $0["ph"] as? String == "i" && $0["name"] as? String == "vIRQ virtual timer" }.count == 10)
        let live = try ToolProcess.run(["run", "--platform", "live", "--duration", "20ms", "--trace", scratch.path("live.json")])
        #expect(live.status == 0, "\(live.stderr)")
        let (metadata, liveEvents) = try Self.read(scratch.path("live.json"))
        #expect(metadata["platform"] as? String == "live")
        #expect(Self.count(liveEvents, ph: "X") > 0)
        #expect(Self.overlaps(liveEvents) == 0)
    }

    @Test("a run that breaks a rule exits 1 and still writes its trace, naming the violation")
    func failingRun() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.path("t.json")
        let result = try ToolProcess.run(
            ["run", "--platform", "sim", "--vcpus", "2", "--pcpus", "2", "--workload", "profile", "--exits", "20000",
             "--mutation", "no-service-clear-on-exit", "--trace", path])
        #expect(result.status == 1)
        let (metadata, events) = try Self.read(path)
        let violations = try #require(metadata["violations"] as? [String])
        #expect(violations.first?.hasPrefix("hw-service-cleared-on-exit on cpu") == true, "\(violations)")
        #expect(Self.count(events, ph: "X") > 0)
    }

    @Test("replay --trace traces the re-run of a failing seed")
    func replayTrace() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("out")
        _ = try ToolProcess.run(["stress", "--out", out, "--jobs", "1"] + StressToolTests.failing)
        let replay = try ToolProcess.run(["replay", "\(out)/replay.json", "--trace", scratch.path("r.json")])
        #expect(replay.status == 1, "\(replay.stdout)")
        let (metadata, events) = try Self.read(scratch.path("r.json"))
        #expect((metadata["violations"] as? [String])?.isEmpty == false)
        #expect(events.contains { $0["cat"] as? String == "violation" })
        #expect(metadata["seed"] as? Int == 4)
    }

    @Test("a trace over its limit is cut, says so on stderr and in the file, and exits as the run does")
    func truncated() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = scratch.path("t.json")
        let result = try ToolProcess.run(["run"] + Self.small + ["--trace", path, "--trace-limit", "90"])
        #expect(result.status == 0)
        let (metadata, events) = try Self.read(path)
        #expect(metadata["truncated"] as? Bool == true)
        let cut = try #require(metadata["cut_ns"] as? Int)
        let leftOut = try #require(metadata["left_out"] as? Int)
        #expect(leftOut > 0)
        #expect(metadata["records"] as? Int ?? 1000 <= 90)
        #expect(events.allSatisfy { ($0["ts"] as? Double ?? 0) * 1000 < Double(cut) + 0.5 || $0["ph"] as? String == "M" })
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("spe-vm: the trace \(path) holds the run up to "))
        #expect(result.stderr.contains("; \(leftOut) later records were left out: raise --trace-limit (now 90) to keep more"))
    }

    /// A bad trace path is refused before the run, which does not start (nothing on standard
    /// output), and leaves no file.
    @Test("an unwritable trace path exits 2 before the run, naming the path and why", arguments: ["run", "latency", "replay"])
    func unwritable(command: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let arguments: [String]
        switch command {
        case "run": arguments = ["run"] + Self.small
        case "latency": arguments = ["latency", "--platform", "sim", "--loops", "1"]
        default:
            let files = try ScratchDirectory()
            defer { files.cleanUp() }
            _ = try ToolProcess.run(["stress", "--out", files.path("out"), "--jobs", "1"] + StressToolTests.failing)
            let replay = try String(contentsOfFile: files.path("out/replay.json"), encoding: .utf8)
            arguments = ["replay", try scratch.write("replay.json", replay)]
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        let missing = scratch.path("no-such-dir/t.json")
        let cases: [(String, String)] = [
            (missing, "cannot write '\(missing)': no such directory '\(scratch.path("no-such-dir"))'"),
            (scratch.url.path, "cannot write '\(scratch.url.path)': it is a directory"),
            ("/dev/null", "cannot write '/dev/null': it exists and is not a regular file"),
            (scratch.path("replay.json/t.json"), "cannot write '\(scratch.path("replay.json/t.json"))': "),
        ]
        for (path, message) in cases {
            let result = try ToolProcess.run(arguments + ["--trace", path])
            #expect(result.status == 2)
            #expect(result.stdout == "")
            #expect(result.stderrLines.first?.hasPrefix("spe-vm: " + message) == true, "\(result.stderr)")
            #expect(result.stderrLines.last == "Run 'spe-vm \(command) --help' for usage.")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == before)
    }

    @Test("--trace-limit needs --trace, and a limit of at least 1")
    func limitFlag() throws {
        let alone = try ToolProcess.run(["run"] + Self.small + ["--trace-limit", "10"])
        #expect(alone.status == 2)
        #expect(alone.stderrLines.first == "spe-vm: --trace-limit bounds the trace --trace writes: give --trace FILE.json too")
        let zero = try ToolProcess.run(["run"] + Self.small + ["--trace", "t.json", "--trace-limit", "0"])
        #expect(zero.status == 2)
        #expect(zero.stderrLines.first == "spe-vm: --trace-limit takes a whole number from 1 to 100000000, got '0'")
    }

    @Test("run, latency and replay --help explain --trace")
    func help() throws {
        for command in ["run", "latency", "replay"] {
            let result = try ToolProcess.run([command, "--help"])
            #expect(result.stdout.contains("--trace FILE.json"), "\(command)")
            #expect(result.stdout.contains("--trace-limit N"), "\(command)")
            #expect(result.stdout.contains("Chrome trace-event JSON"), "\(command)")
        }
    }
}

/// ``TextFile/writeAtomically(to:_:)``: the file at the path is the old one or the whole new one.
@Suite struct AtomicWriteTests {
    struct Interrupted: Error {}

    @Test func aWriteThatFailsHalfWayLeavesTheOldFileAndNoOther() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try scratch.write("t.json", "old")
        #expect(throws: ToolError.unwritableFile(path: path, reason: "stopped")) {
            try TextFile.writeAtomically(to: path) { (write: (ArraySlice<UInt8>) throws(ToolError) -> Void) throws(ToolError) in
                try write(ArraySlice("half of the new ".utf8))
                throw .unwritableFile(path: path, reason: "stopped")
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["t.json"])
        try TextFile.writeAtomically(Data("new, whole".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new, whole")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["t.json"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
    }

    /// The write gets as far as its temporary file, then the rename fails (a non-empty directory
    /// is in the way): the temporary file is removed and what was there is untouched.
    @Test func aWriteWhoseRenameFailsLeavesNothingBehind() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let blocked = scratch.path("blocked.svg")
        try FileManager.default.createDirectory(atPath: blocked, withIntermediateDirectories: false)
        _ = try scratch.write("blocked.svg/inside", "kept\n")
        let before = try FileManager.default.subpathsOfDirectory(atPath: scratch.url.path).sorted()
        #expect(throws: ToolError.unwritableFile(path: blocked, reason: "cannot replace it: " + String(cString: strerror(EISDIR)))) {
            try TextFile.writeAtomically(Data("figure".utf8), to: blocked)
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: scratch.url.path).sorted() == before)
        #expect(try String(contentsOfFile: scratch.path("blocked.svg/inside"), encoding: .utf8) == "kept\n")

        let missing = scratch.path("missing/x.svg")
        let reason = "cannot create a file in '\(scratch.path("missing"))': " + String(cString: strerror(ENOENT))
        #expect(throws: ToolError.unwritableFile(path: missing, reason: reason)) {
            try TextFile.writeAtomically(Data("figure".utf8), to: missing)
        }
    }

    @Test func aWriteThroughASymlinkReplacesItsTarget() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let target = try scratch.write("target.json", "old")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("link.json"), withDestinationPath: target)
        try TextFile.writeAtomically(Data("new".utf8), to: scratch.path("link.json"))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.path("link.json")) == target)
    }
}
