import Foundation
import Testing

/// `spe-vm latency` as a process: its text formats parsed back (cyclictest lines, schbench
/// percentiles, the perf sched table, cyclictest's `-h` histogram), its JSON keys, determinism on
/// sim, exact figures where the model defines them, a live run with cyclictest's measures, and bad
/// input.
@Suite("latency", .serialized)
struct LatencyTests {
    /// A small simulated run: 4 VCPUs in 2 VMs on 2 CPUs, 50 timer interrupts each.
    static let small = ["latency", "--platform", "sim", "--vcpus", "4", "--pcpus", "2", "--loops", "50"]

    /// cyclictest's `T:` line, with `V:` and the VCPU's `<vm>.<vcpu>`.
    static let cyclictestPattern =
        #"^V:\s*(\d+) \((\d+)\.(\d+)\) P:\s*(\d+) I:(\d+) C:\s*(\d+) Min:\s*(\d+) Act:\s*(\d+) Avg:\s*(\d+) Max:\s*(\d+)$"#

    /// The figures of one cyclictest line.
    struct CyclictestLine: Equatable {
        var v, vm, vcpu, priority, interval, count, min, act, avg, max: Int
    }

    static func cyclictestLines(_ lines: [String]) -> [CyclictestLine] {
        let pattern = try! Regex(cyclictestPattern)
        return lines.compactMap { line in
            guard let match = try? pattern.wholeMatch(in: line) else { return nil }
            let n = (1...10).map { Int(match.output[$0].substring!)! }
            return CyclictestLine(
                v: n[0], vm: n[1], vcpu: n[2], priority: n[3], interval: n[4], count: n[5], min: n[6], act: n[7], avg: n[8], max: n[9])
        }
    }

    @Test("text: the disclaimer, one cyclictest line per VCPU, a percentile block per kind, the perf sched table")
    func textReport() throws {
        let result = try ToolProcess.run(Self.small)
        #expect(result.exitedNormally)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr == "")
        let lines = result.stdoutLines
        #expect(lines.first == "spe-vm latency: KVM arm64 guest SPE, v6 RFC")
        #expect(lines.contains { $0.hasPrefix("These are the model's latencies on this host, not KVM's") })
        #expect(lines.contains("# interval 1ms, 50 loops per VCPU, capped at 10s"))
        #expect(lines.contains { $0.hasPrefix("# ended: every VCPU took its 50 loops, at ") })
        let parsed = Self.cyclictestLines(lines)
        #expect(parsed.map(\.v) == [0, 1, 2, 3])
        #expect(parsed.map { "\($0.vm).\($0.vcpu)" } == ["0.0", "0.1", "1.0", "1.1"])
        for line in parsed {
            #expect(line.count == 50 && line.interval == 1_000 && line.priority == 0)
            #expect(line.min <= line.avg && line.avg <= line.max && line.min <= line.act && line.act <= line.max)
        }
        // schbench's block per kind: a header, five percentiles with p99 starred, then min/max.
        for kind in ["wakeup", "timer", "runqueue"] {
            let header = try #require(lines.firstIndex { $0.hasPrefix("\(kind) latencies percentiles (usec) runtime ") }, "\(kind)")
            let block = Array(lines[(header + 1)...(header + 6)])
            #expect(block.prefix(5).map { String($0.prefix(11)) } == ["\t  50.0th :", "\t  90.0th :", "\t* 99.0th :", "\t  99.9th :", "\t  99.99th:"])
            #expect((try? Regex(#"^\t  min=\d+\.\d{3}, max=\d+\.\d{3}, avg=\d+\.\d{3}$"#).wholeMatch(in: block[5])) != nil, "\(block[5])")
            for line in block.prefix(5) {
                #expect((try? Regex(#"^\t[ *] \d+\.\d+th *: \d+\.\d{3}$"#).wholeMatch(in: line)) != nil, "\(line)")
            }
        }
        #expect(lines.contains { $0.hasPrefix("timer latencies percentiles (usec) runtime ") && $0.hasSuffix("(200 total samples): the guest's virtual timer expires → the guest runs its handler") })
        // perf sched latency: a row per VCPU and a total.
        let rows = lines.filter { $0.hasPrefix("  vm") && $0.contains("| avg:") }
        #expect(rows.count == 4)
        for row in rows {
            #expect((try? Regex(#"^  vm\d+\.vcpu\d+ +\| +\d+\.\d{3} ms \| +\d+ \| avg: +\d+\.\d{3} ms \| max: +\d+\.\d{3} ms \| max start: +\d+\.\d{6} s \| max end: +\d+\.\d{6} s \|$"#).wholeMatch(in: row)) != nil, "\(row)")
        }
        #expect(lines.contains { $0.hasPrefix("  TOTAL:") })
        #expect(lines.contains { (try? Regex(#"^invariants: \d+ events checked, 0 violations$"#).wholeMatch(in: $0)) != nil })
        #expect(lines.last?.hasPrefix("timing: ") == true)
    }

    /// One VCPU alone on one CPU, its timer every 100 µs: the model wakes it with no delay, so its
    /// cyclictest line is exact.
    @Test("sim: a lone idle VCPU's cyclictest line is exact")
    func exactLine() throws {
        let result = try ToolProcess.run(["latency", "--platform", "sim", "--vcpus", "1", "--pcpus", "1", "--loops", "10", "--interval", "100us"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.contains("V: 0 (0.0) P: 0 I:100 C:     10 Min:      0 Act:    0 Avg:    0 Max:       0"))
        #expect(result.stdoutLines.contains { $0.hasPrefix("# ended: every VCPU took its 10 loops, at 1.000 ms") })
    }

    @Test("--histogram prints cyclictest's -h format, counting every timer sample")
    func histogram() throws {
        let result = try ToolProcess.run(Self.small + ["--histogram", "20"])
        #expect(result.status == 0)
        let lines = result.stdoutLines
        let start = try #require(lines.firstIndex(of: "# Histogram"))
        let block = Array(lines[start...])
        let bucket = try Regex(#"^(\d{6}) (\d{6}(?:\t\d{6}){3})$"#)
        var totals = [0, 0, 0, 0]
        var index = 1
        while index < block.count, let match = try bucket.wholeMatch(in: block[index]) {
            #expect(Int(match.output[1].substring!)! == index - 1)
            let counts = match.output[2].substring!.split(separator: "\t").map { Int($0)! }
            for (column, count) in counts.enumerated() { totals[column] += count }
            index += 1
        }
        // A line for every bucket, empty or not, in order.
        #expect(index == 21)
        let rest = Array(block[index...])
        func numbers(_ prefix: String, digits: Int) throws -> [Int] {
            let line = try #require(rest.first { $0.hasPrefix(prefix) }, "no \(prefix) line")
            let fields = line.dropFirst(prefix.count).split(separator: " ")
            #expect(fields.allSatisfy { $0.count == digits }, "\(line)")
            return fields.map { Int($0)! }
        }
        #expect(try numbers("# Total:", digits: 9) == totals)
        let overflows = try numbers("# Histogram Overflows:", digits: 5)
        #expect(zip(totals, overflows).map { $0 + $1 } == [50, 50, 50, 50])
        let min = try numbers("# Min Latencies:", digits: 5)
        let max = try numbers("# Max Latencies:", digits: 5)
        _ = try numbers("# Avg Latencies:", digits: 5)
        // The same figures as the cyclictest lines.
        let parsed = Self.cyclictestLines(lines)
        #expect(parsed.map(\.min) == min && parsed.map(\.max) == max)
        #expect(rest.contains("# Histogram Overflow at cycle number:"))
        for thread in 0..<4 { #expect(rest.contains { $0.hasPrefix("# Thread \(thread):") }) }
    }

    @Test("--json: percentiles p50 … p99.99 for every kind, the VCPUs, the measures, the histogram")
    func json() throws {
        let result = try ToolProcess.run(Self.small + ["--json", "--histogram", "5"])
        #expect(result.status == 0)
        let json = try ToolProcess.jsonObject(result.stdout)
        #expect(Set(json.keys).isSuperset(of: [
            "model", "note", "platform", "config", "seed", "interval_ns", "loops", "ended", "clean", "latency_ns", "vcpus", "measures",
            "invariants", "timing", "histogram",
        ]))
        #expect((json["note"] as? String)?.contains("not KVM's") == true)
        #expect(json["interval_ns"] as? Int == 1_000_000)
        #expect(json["loops"] as? Int == 50)
        let kinds = try #require(json["latency_ns"] as? [String: [String: Any]])
        #expect(Set(kinds.keys).isSuperset(of: ["timer", "wakeup", "runqueue"]))
        for (kind, figures) in kinds {
            #expect(Set(figures.keys) == ["count", "min", "max", "mean", "p50", "p90", "p99", "p99.9", "p99.99"], "\(kind)")
            let ordered = ["min", "p50", "p90", "p99", "p99.9", "p99.99", "max"].map { figures[$0] as! Int }
            #expect(ordered == ordered.sorted(), "\(kind)")
        }
        #expect(kinds["timer"]?["count"] as? Int == 200)
        let vcpus = try #require(json["vcpus"] as? [[String: Any]])
        #expect(vcpus.count == 4)
        #expect(vcpus.map { $0["vcpu"] as? String } == ["vm0.vcpu0", "vm0.vcpu1", "vm1.vcpu0", "vm1.vcpu1"])
        for vcpu in vcpus {
            #expect((vcpu["cyclictest"] as? [String: Any])?["count"] as? Int == 50)
            #expect(((vcpu["latency_ns"] as? [String: Any])?["timer"] as? [String: Any])?["p99.99"] is Int)
            #expect(Set((vcpu["sched"] as? [String: Any])?.keys ?? [:].keys)
                == ["runtime_ns", "switches", "avg_delay_ns", "max_delay_ns", "max_delay_start_ns", "max_delay_end_ns"])
        }
        let measures = try #require(json["measures"] as? [String: [String: Any]])
        #expect(measures["priority"]?["state"] as? String == "not_asked")
        let histogram = try #require(json["histogram"] as? [String: Any])
        #expect(histogram["bound_us"] as? Int == 5)
        #expect((histogram["vcpus"] as? [Any])?.count == 4)
    }

    @Test("sim: the same flags and seed give the same output but for its timing")
    func deterministic() throws {
        let arguments = Self.small + ["--seed", "5", "--workload", "mixed", "--migrate-every", "200us", "--histogram", "50"]
        let untimed = { (lines: [String]) in lines.filter { !$0.hasPrefix("timing: ") } }
        let first = try ToolProcess.run(arguments)
        #expect(first.status == 0)
        #expect(untimed(first.stdoutLines) == untimed(try ToolProcess.run(arguments).stdoutLines))
        var a = try ToolProcess.jsonObject(try ToolProcess.run(arguments + ["--json"]).stdout)
        var b = try ToolProcess.jsonObject(try ToolProcess.run(arguments + ["--json"]).stdout)
        a["timing"] = nil
        b["timing"] = nil
        #expect(try JSONSerialization.data(withJSONObject: a, options: [.sortedKeys])
            == JSONSerialization.data(withJSONObject: b, options: [.sortedKeys]))
        // A mixed guest profiles: its SPE interrupts and exits are measured too.
        let kinds = try #require(a["latency_ns"] as? [String: Any])
        #expect(Set(kinds.keys).isSuperset(of: ["exit", "exit-spe", "exit-rest", "spe-irq", "timer"]))
    }

    @Test("--duration bounds a run without loops; --loops with it ends at whichever comes first")
    func budgets() throws {
        let result = try ToolProcess.run(["latency", "--platform", "sim", "--vcpus", "2", "--duration", "5ms"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.contains("# interval 1ms, no loop bound, duration 5ms"))
        #expect(result.stdoutLines.contains { $0.hasPrefix("# ended: its duration passed") })
        let both = try ToolProcess.run(["latency", "--platform", "sim", "--vcpus", "2", "--duration", "1s", "--loops", "3"])
        #expect(both.stdoutLines.contains { $0.hasPrefix("# ended: every VCPU took its 3 loops") })
    }

    @Test("run takes the same measures and its report says which were in effect, in text and JSON")
    func runStatesItsMeasures() throws {
        let flags = ["run", "--vcpus", "2", "--duration", "20ms", "--priority", "10", "--mlock", "--pm-qos"]
        let text = try ToolProcess.run(flags)
        #expect(text.status == 0, "\(text.stdout)")
        let line = try #require(text.stdoutLines.first { $0.hasPrefix("  measures") })
        let parts = line.split(separator: " ", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces).components(separatedBy: "; ")
        #expect(parts.count == 3)
        for (part, name) in zip(parts, ["SCHED_FIFO 10: ", "mlockall: ", "cpu_dma_latency 0: "]) {
            #expect(part.hasPrefix(name + "in effect") || part.hasPrefix(name + "not in effect: "), "\(part)")
        }
        let json = try ToolProcess.run(flags + ["--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let measures = try #require(object["measures"] as? [String: Any])
        #expect(Set(measures.keys) == ["priority", "mlock", "pm_qos"])
        #expect((measures["priority"] as? [String: Any])?["sched_fifo"] as? Int == 10)
        // On sim nothing is taken, and the text says nothing of it.
        let sim = try ToolProcess.run(["run", "--platform", "sim", "--exits", "100", "--mlock"])
        #expect(!sim.stdoutLines.contains { $0.hasPrefix("  measures") })
    }

    @Test("live: cyclictest's measures are in effect or say why not, and the run ends cleanly")
    func liveMeasures() throws {
        let result = try ToolProcess.run([
            "latency", "--vcpus", "2", "--loops", "20", "--interval", "200us", "--priority", "10", "--mlock", "--pm-qos",
        ])
        #expect(result.status == 0, "\(result.stdout)")
        let line = try #require(result.stdoutLines.first { $0.hasPrefix("# measures: ") })
        let parts = line.dropFirst("# measures: ".count).components(separatedBy: "; ")
        #expect(parts.count == 3)
        for (part, name) in zip(parts, ["SCHED_FIFO 10: ", "mlockall: ", "cpu_dma_latency 0: "]) {
            #expect(part.hasPrefix(name + "in effect") || part.hasPrefix(name + "not in effect: "), "\(part)")
        }
        let priority = parts[0].hasPrefix("SCHED_FIFO 10: in effect") ? 10 : 0
        #expect(Self.cyclictestLines(result.stdoutLines).map(\.priority) == [priority, priority])
        #expect(Self.cyclictestLines(result.stdoutLines).map(\.count) == [20, 20])
    }

    static let badInput: [BadInput] = [
        BadInput(["latency", "--interval", "-1ms"], "spe-vm: --interval takes a duration: a whole number and a unit"),
        BadInput(["latency", "--interval", "0ms"], "spe-vm: --interval takes a duration longer than 0, got '0ms'"),
        BadInput(["latency", "--interval"], "spe-vm: --interval needs a value"),
        BadInput(["latency", "--loops", "0"], "spe-vm: --loops takes a whole number from 1 to 2147483647, got '0'"),
        BadInput(["latency", "--loops", "-5"], "spe-vm: --loops takes a whole number from 1 to 2147483647, got '-5'"),
        BadInput(["latency", "--histogram", "0"], "spe-vm: --histogram takes a whole number from 1 to 1000000, got '0'"),
        BadInput(["latency", "--histogram", "1000001"], "spe-vm: --histogram takes a whole number from 1 to 1000000"),
        BadInput(["latency", "--priority", "100"], "spe-vm: --priority takes a whole number from 1 to 99, got '100'"),
        BadInput(["latency", "--mlock=yes"], "spe-vm: --mlock takes no value, got 'yes'"),
        BadInput(["latency", "--loops", "3", "--loops", "4"], "spe-vm: --loops is given more than once"),
        BadInput(["latency", "--cpus", "2"], "spe-vm: unknown flag '--cpus' for 'latency': its flags are --vcpus,"),
        BadInput(["latency", "--duration", "1s", "--exits", "5"], "spe-vm: --duration and --exits are both given: give one"),
        BadInput(["latency", "--scenario", "/no/such/file.json"], "spe-vm: cannot read '/no/such/file.json': no such file"),
    ]

    @Test("bad input exits 2 with a clear message and no report", arguments: badInput)
    func bad(_ input: BadInput) throws {
        let result = try ToolProcess.run(input.arguments)
        #expect(result.exitedNormally)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderrLines.first?.hasPrefix(input.message) == true, "\(result.stderr)")
        #expect(result.stderrLines.last == "Run 'spe-vm latency --help' for usage.")
    }

    @Test("latency --help lists its flags and their defaults")
    func help() throws {
        let result = try ToolProcess.run(["latency", "--help"])
        #expect(result.status == 0)
        for text in [
            "usage: spe-vm latency", "--interval D", "(default 1ms)", "--loops N", "(default 1000 unless --duration or --exits is given)",
            "--histogram US", "--priority N", "--mlock", "--pm-qos", "--workload NAME", "(default idle)", "--vcpus N", "--json",
            "not KVM's", "spe-irq",
        ] {
            #expect(result.stdout.contains(text), "missing \(text)")
        }
        #expect(try ToolProcess.run(["--help"]).stdoutLines.contains { $0.hasPrefix("  latency ") })
    }
}
