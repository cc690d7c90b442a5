import Foundation
import Testing

/// `spe-vm run` as a process, on small simulated runs (and one short live run).
@Suite("run", .serialized)
struct RunTests {
    /// A small simulated run: 4 VCPUs in 2 VMs on 2 CPUs, a few thousand exits.
    static let small = ["run", "--platform", "sim", "--vcpus", "4", "--pcpus", "2", "--exits", "1000"]

    /// `json` without its `timing` member, as text (keys sorted by JSONSerialization).
    static func withoutTiming(_ json: [String: Any]) throws -> String {
        var json = json
        json["timing"] = nil
        return String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("a simulated run prints the report's sections and exits 0")
    func textReport() throws {
        let result = try ToolProcess.run(Self.small)
        #expect(result.exitedNormally)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stderr == "")
        let lines = result.stdoutLines
        #expect(lines.first == "spe-vm run: KVM arm64 guest SPE, v6 RFC")
        #expect(lines.contains("These are the model's figures on this host: not measurements of KVM or of hardware."))
        #expect(lines.contains("  platform       sim: deterministic, virtual time, seeded schedule"))
        #expect(lines.contains("  machine        2 physical CPUs, 4 VCPUs in 2 VMs"))
        #expect(lines.contains("  budget         1000 exits"))
        for label in ["ended", "exits", "spe records", "management", "pins", "interrupts", "invariants", "blackout", "latency", "timing"] {
            let padded = label + String(repeating: " ", count: 15 - label.count)
            #expect(lines.contains { $0.hasPrefix(padded) || $0 == label }, "no \(label) section")
        }
        #expect(lines.last?.hasPrefix("timing         ") == true)
    }

    @Test("--json: one object with the keys issue 5 asks for; its config is the scenario that ran")
    func jsonReport() throws {
        let result = try ToolProcess.run(Self.small + ["--json", "--seed", "7", "--host-perf", "--migrate-every", "250us"])
        #expect(result.status == 0)
        let json = try ToolProcess.jsonObject(result.stdout)
        #expect(Set(json.keys).isSuperset(of: ["config", "seed", "exits", "spe", "interrupts", "invariants", "latency_ns", "timing"]))
        #expect(json["seed"] as? Int == 7)
        let config = try #require(json["config"] as? [String: Any])
        #expect(config["platform"] as? String == "sim")
        #expect(config["pcpus"] as? Int == 2)
        #expect(config["exits"] as? Int == 1000)
        #expect(config["host_perf"] as? Bool == true)
        #expect(config["migrate_every"] as? String == "250us")
        #expect((config["vms"] as? [[String: Any]])?.map { $0["vcpus"] as? Int } == [2, 2])
        #expect((json["exits"] as? [String: Any])?["total"] is Int)
        let spe = try #require(json["spe"] as? [String: Any])
        #expect(Set(spe.keys).isSuperset(of: ["records_written", "records_dropped", "management_events"]))
        #expect((spe["records_dropped"] as? [String: Any])?["total"] is Int)
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(invariants["checked"] is Int)
        #expect((invariants["violations"] as? [Any])?.isEmpty == true)
        #expect(Set((json["latency_ns"] as? [String: Any])?.keys ?? [:].keys) == ["count", "min", "p50", "p99", "max"])
        #expect(Set((json["timing"] as? [String: Any])?.keys ?? [:].keys) == ["wall_seconds", "exits_per_second"])
    }

    @Test("on sim, the same flags and seed give the same JSON but for its timing, and the same text but for its timing line")
    func deterministic() throws {
        let arguments = Self.small + ["--seed", "11", "--host-perf"]
        let first = try ToolProcess.jsonObject(try ToolProcess.run(arguments + ["--json"]).stdout)
        let second = try ToolProcess.jsonObject(try ToolProcess.run(arguments + ["--json"]).stdout)
        #expect(try Self.withoutTiming(first) == Self.withoutTiming(second))
        let text = { (lines: [String]) in lines.filter { !$0.hasPrefix("timing ") } }
        #expect(text(try ToolProcess.run(arguments).stdoutLines) == text(try ToolProcess.run(arguments).stdoutLines))
    }

    @Test("a scenario file runs, and the report's config gives the same run back")
    func scenarioFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.cleanUp() }
        let path = try scratch.write("s.json", """
            {"pcpus": 2, "platform": "sim", "seed": 3, "exits": 2000, "migrate_every": "500us",
             "vms": [{"vcpus": 2, "workload": "profile", "max_buffer_size": 8192, "spu": [0, 1]},
                     {"vcpus": 1, "spe": false, "workload": "idle", "locked_memory_limit": 65536}]}
            """)
        let result = try ToolProcess.run(["run", "--scenario", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try ToolProcess.jsonObject(result.stdout)
        let config = try #require(json["config"] as? [String: Any])
        #expect(config["seed"] as? Int == 3)
        let vms = try #require(config["vms"] as? [[String: Any]])
        #expect(vms.count == 2)
        #expect(vms[0]["spu"] as? [Int] == [0, 1])
        #expect(vms[1]["spe"] as? Bool == false)
        let replayed = try scratch.write("config.json", String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self))
        let again = try ToolProcess.jsonObject(try ToolProcess.run(["run", "--scenario", replayed, "--json"]).stdout)
        #expect(try Self.withoutTiming(json) == Self.withoutTiming(again))
        // A flag overrides the file.
        let overridden = try ToolProcess.jsonObject(try ToolProcess.run(["run", "--scenario", path, "--seed", "4", "--json"]).stdout)
        #expect(overridden["seed"] as? Int == 4)
    }

    @Test("a short live run ends cleanly and says how its CPUs sit on this machine's cores")
    func live() throws {
        let result = try ToolProcess.run(["run", "--platform", "live", "--vcpus", "2", "--pcpus", "2", "--duration", "20ms"])
        #expect(result.exitedNormally)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdoutLines.contains { $0.hasPrefix("  platform       live: a thread per physical CPU, the real clock; 2 physical CPUs on ") })
        #expect(result.stdoutLines.contains("  idle           park, busy guest off"))
    }

    // MARK: Run figures

    @Test("a simulated run takes at least its exit budget, and every record is accounted for")
    func budgetReached() throws {
        let json = try ToolProcess.jsonObject(try ToolProcess.run(Self.small + ["--json", "--host-perf"]).stdout)
        let exits = try #require(json["exits"] as? [String: Int])
        #expect(exits["total", default: 0] >= 1000)
        #expect(exits.filter { $0.key != "total" }.values.reduce(0, +) == exits["total"])
        let spe = try #require(json["spe"] as? [String: Any])
        let dropped = try #require(spe["records_dropped"] as? [String: Int])
        #expect(spe["samples"] as? Int == (spe["records_written"] as? Int ?? -1) + dropped["total", default: -1])
        #expect(((json["invariants"] as? [String: Any])?["checked"] as? Int ?? 0) > 0)
        #expect(((json["latency_ns"] as? [String: Any])?["count"] as? Int ?? 0) > 0)
    }

    @Test("different seeds give different runs")
    func seedsDiffer() throws {
        let exits = try [1, 2, 3].map { seed in
            let json = try ToolProcess.jsonObject(
                try ToolProcess.run(["run", "--platform", "sim", "--vcpus", "4", "--pcpus", "2", "--duration", "2ms", "--seed", "\(seed)", "--json"]).stdout)
            return try #require(json["exits"] as? [String: Int])
        }
        #expect(Set(exits).count == 3, "three seeds: \(exits)")
    }

    @Test("a caught mutation exits 1, names its rule and prints the command that replays it")
    func mutationCaught() throws {
        let arguments = ["run", "--platform", "sim", "--vcpus", "2", "--pcpus", "2", "--workload", "profile", "--exits", "20000",
            "--mutation", "no-service-clear-on-exit"]
        let result = try ToolProcess.run(arguments)
        #expect(result.exitedNormally)
        #expect(result.status == 1)
        #expect(result.stdout.contains("  violation: hw-service-cleared-on-exit on cpu"))
        #expect(result.stdoutLines.last == "replay         spe-vm run " + arguments.dropFirst().joined(separator: " ") + " --seed 1")
        let json = try ToolProcess.jsonObject(try ToolProcess.run(arguments + ["--json"]).stdout)
        let violations = try #require((json["invariants"] as? [String: Any])?["violations"] as? [[String: Any]])
        #expect(violations.contains { $0["rule"] as? String == "hw-service-cleared-on-exit" })
        #expect((json["outcome"] as? [String: Any])?["clean"] as? Bool == false)
    }
}
