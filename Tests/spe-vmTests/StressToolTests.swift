import Foundation
import Testing
import VCPURuntime

@testable import spe_vm

/// `spe-vm stress` and `spe-vm replay` as a user runs them: small campaigns (2-4 VCPUs, a few
/// hundred exits a seed), their output, exit statuses, replay files and trails.
@Suite("stress and replay", .serialized)
struct StressToolTests {
    /// A small campaign's flags: 4 VCPUs in 2 VMs on 2 CPUs, 300 exits a seed.
    static let small = ["--vcpus", "4", "--exits", "300"]
    /// A campaign that fails at seed 4 of 1...8 (`put-skipped-on-move` needs a migration at the
    /// wrong moment; without faults, only the migrator makes them).
    static let failing = small + ["--faults", "none", "--seeds", "8", "--mutation", "put-skipped-on-move"]

    @Test("a clean campaign exits 0 and prints seeds run, events checked and faults injected by kind")
    func clean() throws {
        let result = try ToolProcess.run(["stress", "--seeds", "3", "--jobs", "2"] + Self.small)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr == "")
        let lines = result.stdoutLines
        #expect(lines.first == "spe-vm stress: KVM arm64 guest SPE, v6 RFC, simulated platform")
        #expect(lines.contains("scenario        4 VCPUs in 2 VMs on 2 physical CPUs, 300 exits a seed"))
        #expect(lines.contains("seeds           3 run (seeds 1...3) on 2 threads"))
        #expect(lines.contains { $0.hasPrefix("events          ") && $0.hasSuffix(" checked") })
        // Every kind is named with its count; with every fault on, some are injected.
        let injected = try #require(lines.first { $0.hasPrefix("faults injected ") }).dropFirst("faults injected ".count)
        let counts = injected.split(separator: ",").map { $0.split(separator: " ") }
        #expect(counts.map { String($0[0]) } == FaultKind.allCases.map(\.rawValue))
        #expect(counts.map { Int($0[1]) ?? 0 }.reduce(0, +) > 0, "\(injected)")
        #expect(lines.contains("faults          " + FaultList.format(FaultKind.allAtDefaultIntervals)))
        #expect(lines.last == "verdict         clean: no seed broke a rule")
    }

    @Test("a mutation the scenario cannot show is said on standard error; with its ingredient, it is caught")
    func unreachedMutation() throws {
        let bare = try ToolProcess.run(["stress", "--seeds", "1", "--mutation", "discard-mode-writes"] + Self.small)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stderrLines == [
            "spe-vm stress: note: --mutation discard-mode-writes cannot break its rule in this scenario: it needs a "
                + "profiling guest (profile or mixed) in discard mode (--guest-sampling discard)"
        ])
        let given = try ToolProcess.run(
            ["stress", "--seeds", "1", "--mutation", "discard-mode-writes", "--guest-sampling", "discard"] + Self.small)
        #expect(given.status == 1)
        #expect(given.stderr == "")
        #expect(given.stdoutLines.contains { $0.contains("discard-mode-writes-nothing") }, "\(given.stdout)")
        let run = try ToolProcess.run(["run", "--platform", "sim", "--exits", "100", "--mutation", "host-not-paused"])
        #expect(run.stderrLines == ["spe-vm run: note: --mutation host-not-paused cannot break its rule in this scenario: it needs a host perf session (--host-perf)"])
    }

    @Test("--json: a summary shards can merge: seeds of the shard, counts, faults by kind, no violation")
    func json() throws {
        let result = try ToolProcess.run(["stress", "--seeds", "7", "--shard", "2/3", "--json", "--faults", "none"] + Self.small)
        #expect(result.status == 0)
        let object = try ToolProcess.jsonObject(result.stdout)
        let seeds = try #require(object["seeds"] as? [String: Any])
        #expect(seeds["start"] as? Int == 1)
        #expect(seeds["count"] as? Int == 7)
        #expect(seeds["shard"] as? String == "2/3")
        #expect(seeds["in_shard"] as? Int == 2)
        #expect(seeds["run"] as? Int == 2)
        #expect(seeds["every_seed_ran"] as? Bool == true)
        #expect(seeds["first_failing"] is NSNull)
        #expect((object["events_checked"] as? Int ?? 0) > 0)
        #expect((object["exits"] as? Int ?? 0) >= 600)
        #expect((object["violations"] as? [Any])?.count == 0)
        #expect(object["clean"] as? Bool == true)
        let faults = try #require(object["faults_injected"] as? [String: Int])
        #expect(faults.keys.sorted() == FaultKind.allCases.map { RunReport.key($0.rawValue) }.sorted())
        let config = try #require(object["config"] as? [String: Any])
        #expect(config["faults"] as? String == "none")
        #expect(config["strategy"] as? String == "random")
    }

    @Test("a failing campaign exits 1 with the rule, the seed, the replay command; --out writes replay.json and trail.txt; replay reproduces it")
    func failAndReplay() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("found/here")
        let result = try ToolProcess.run(["stress", "--out", out, "--jobs", "2"] + Self.failing)
        #expect(result.status == 1)
        let lines = result.stdoutLines
        #expect(lines.contains("verdict         seed 4 failed: one-vcpu-per-cpu"))
        let violation = try #require(lines.first { $0.hasPrefix("  violation: one-vcpu-per-cpu on cpu") })
        #expect(lines.contains("replay          spe-vm replay \(out)/replay.json"))
        #expect(lines.contains("trail           \(out)/trail.txt"))
        #expect(lines.contains(
            "rerun           spe-vm stress --vcpus 4 --exits 300 --faults none --mutation put-skipped-on-move --seed-start 4 --seeds 1"))
        let trail = try String(contentsOfFile: "\(out)/trail.txt", encoding: .utf8)
        #expect(trail.hasPrefix("spe-vm stress: seed 4 failed: one-vcpu-per-cpu\n" + violation.dropFirst(2) + "\n"))

        let replay = try ToolProcess.run(["replay", "\(out)/replay.json"])
        #expect(replay.status == 1)
        #expect(replay.stdoutLines.first?.hasPrefix("reproduced: seed 4 breaks one-vcpu-per-cpu again at the same event") == true)
        #expect(replay.stdoutLines.dropFirst().first == String(violation.dropFirst(2)))

        // The same seed alone, as the rerun line says, fails the same way.
        let rerun = try ToolProcess.run(
            ["stress", "--vcpus", "4", "--exits", "300", "--faults", "none", "--mutation", "put-skipped-on-move", "--seed-start", "4", "--seeds", "1"])
        #expect(rerun.status == 1)
        #expect(rerun.stdoutLines.contains(violation))
    }

    @Test("a replay file whose seed was changed does not reproduce: the schedule diverges, exit 0")
    func diverged() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("out")
        _ = try ToolProcess.run(["stress", "--out", out, "--jobs", "1"] + Self.failing)
        let text = try String(contentsOfFile: "\(out)/replay.json", encoding: .utf8)
        let path = try scratch.write("other-seed.json", text.replacingOccurrences(of: "\"seed\": 4", with: "\"seed\": 5"))
        let replay = try ToolProcess.run(["replay", path])
        #expect(replay.status == 0)
        #expect(replay.stdoutLines.first?.hasPrefix("does not reproduce: the schedule diverged at decision ") == true, "\(replay.stdout)")
    }

    @Test("replay refuses another format version, another build, and corrupt files, exit 2, naming what is wrong")
    func refusals() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("out")
        _ = try ToolProcess.run(["stress", "--out", out, "--jobs", "1"] + Self.failing)
        let good = try String(contentsOfFile: "\(out)/replay.json", encoding: .utf8)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"version\": 1\n", with: "\"version\": 2\n"), "replay format version 2: this spe-vm"),
            (good.replacingOccurrences(of: "\"executable\": \"fnv1a64:", with: "\"executable\": \"fnv1a64:0"),
                "written by another build of spe-vm"),
            (String(good.prefix(200)), "line "),
            (good.replacingOccurrences(of: "\"decision_count\"", with: "\"decision_total\""), "unknown key 'decision_total'"),
            (good.replacingOccurrences(of: "\"mutation\": \"put-skipped-on-move\"", with: "\"mutation\": 7"), "config: mutation takes"),
        ]
        for (index, (text, message)) in cases.enumerated() {
            let path = try scratch.write("bad\(index).json", text)
            let replay = try ToolProcess.run(["replay", path])
            #expect(replay.status == 2, "case \(index): \(replay.stdout)")
            #expect(replay.stderrLines.first?.hasPrefix("spe-vm: \(path): \(message)") == true, "case \(index): \(replay.stderr)")
        }
    }

    @Test("shrink writes a smaller replay file that still breaks the rule, and replay reproduces it")
    func shrink() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let out = scratch.path("out")
        let stress = try ToolProcess.run(["stress", "--out", out, "--seeds", "2", "--exits", "1000", "--mutation", "no-service-clear-on-exit"])
        #expect(stress.status == 1)
        let shrunkPath = scratch.path("small.json")
        let shrink = try ToolProcess.run(["shrink", "\(out)/replay.json", "--out", shrunkPath])
        #expect(shrink.status == 0, "\(shrink.stderr)")
        #expect(shrink.stdoutLines.first?.hasPrefix(
            "shrunk: 8 VCPUs in 2 VMs on 2 CPUs, 8 faults, budget 1000, migrator → 1 VCPU in 1 VM on 1 CPU, 0 faults, budget ") == true,
            "\(shrink.stdout)")
        #expect(shrink.stdoutLines.contains("wrote: \(shrunkPath)"))
        let replay = try ToolProcess.run(["replay", shrunkPath])
        #expect(replay.status == 1)
        #expect(replay.stdoutLines.first?.hasPrefix("reproduced: seed ") == true)
        #expect(replay.stdoutLines.first?.contains("breaks hw-service-cleared-on-exit again at the same event") == true)
        // Without --out it writes beside the file.
        let beside = try ToolProcess.run(["shrink", "\(out)/replay.json", "--runs", "3"])
        #expect(beside.status == 0)
        #expect(FileManager.default.fileExists(atPath: "\(out)/replay.shrunk.json"))
    }

    @Test("the rerun command keeps the scenario's flags and drops the campaign's")
    func rerunCommand() {
        #expect(StressCommand.rerun(arguments: ["--seeds", "100", "--jobs=4", "--json", "--vcpus", "2", "--out", "d", "--shard", "1/2"], seed: 77)
            == "spe-vm stress --vcpus 2 --seed-start 77 --seeds 1")
        #expect(StressCommand.rerun(arguments: ["--duration", "1s", "--scenario", "my file.json"], seed: 3)
            == "spe-vm stress --scenario 'my file.json' --seed-start 3 --seeds 1")
    }

    @Test("--platform live --duration: a soak on real threads with the same checker, reported as spe-vm run reports")
    func liveSoak() throws {
        let result = try ToolProcess.run(["stress", "--platform", "live", "--duration", "50ms", "--vcpus", "2", "--faults", "none"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdoutLines.contains("  platform       live: a thread per physical CPU, the real clock; 2 physical CPUs on "
            + "\(ProcessInfo.processInfo.activeProcessorCount) online cores"
            + (ProcessInfo.processInfo.activeProcessorCount < 2 ? ": oversubscribed" : "")))
        #expect(result.stdoutLines.contains("  budget         50.000 ms of platform time"))
        #expect(result.stdoutLines.contains { $0.hasPrefix("invariants") && $0.hasSuffix(" 0 violations") })
    }
}
