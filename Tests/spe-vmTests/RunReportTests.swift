import Foundation
import Testing

@testable import SPEDevice
@testable import VCPURuntime
@testable import spe_vm

/// Reports rendered from constructed results: no run, exact text.
@Suite struct RunReportTests {
    /// A result with a figure in every field; `reversed` builds its dictionaries in the other order.
    static func result(platform: PlatformKind = .sim, outcome: PlatformOutcome = .finished, reversed: Bool = false) -> RunResult {
        var vm = VMScenario(vcpus: 3, workload: .profile)
        vm.spu = [1]
        vm.maxBufferSize = 8192
        vm.hiddenFeatures = [.FT, .FnE]
        vm.driverStyle = .legacy
        vm.sampling = .discard
        var scenario = Scenario(cpus: 2, vms: [vm, VMScenario(vcpus: 3), VMScenario(vcpus: 2, workload: .idle, hasSPE: false)], budget: .exits(5000))
        scenario.seed = 7
        scenario.migrateEvery = 1_000_000
        var r = RunResult(scenario: scenario, platform: platform, outcome: outcome)
        r.oversubscribed = platform == .live
        r.endTime = 12_345_678
        r.wallSeconds = 0.5
        let reasons = reversed ? ExitReason.allCases.reversed() : ExitReason.allCases
        for (n, reason) in reasons.enumerated() {
            for _ in 0..<(reversed ? reasons.count - n : n + 1) { r.exits.count(reason) }
        }
        r.unit.sampled = 1000
        r.unit.written = 990
        r.unit.bytesWritten = 990 * 64
        r.unit.managementEvents = 12
        let drops: [(DropReason, UInt64)] = [(.collision, 4), (.stopped, 6)]
        for (reason, n) in reversed ? drops.reversed() : drops { r.unit.dropped[reason] = n }
        r.kvm.managementEvents = 13
        r.kvm.enableRefusals[.tooLarge] = 1
        r.kvm.pins = 20
        r.kvm.bytesPinned = 163_840
        r.kvm.unpins = 19
        r.kvm.pinNanoseconds = 40_000
        r.kvm.trappedReads = 30
        r.kvm.trappedWrites = 60
        r.drivers.interrupts = 12
        r.drivers.recordsConsumed = 980
        r.drivers.truncatedRecords = 2
        r.host.recordsConsumed = 5
        r.host.interruptsHandled = 1
        let physical: [(UInt32, UInt64)] = [(26, 100), (0, 5), (21, 12), (40, 1)]
        for (intid, n) in reversed ? physical.reversed() : physical { r.physicalInterrupts[intid] = n }
        let guest: [(UInt32, UInt64)] = [(27, 3), (21, 12)]
        for (intid, n) in reversed ? guest.reversed() : guest { r.guestInterrupts[intid] = n }
        r.virtualInterrupts.injected = 15
        r.virtualInterrupts.delivered = 15
        r.virtualInterrupts.maintenanceExits = 12
        r.virtualInterrupts.kicksSent = 4
        r.virtualInterrupts.wakes = 3
        r.eventsChecked = 123_456
        r.blackoutNanoseconds = 2_500_000
        r.blackouts = 12
        // The histogram gives a percentile as the top of its bucket (within max): p50 of these is 1007.
        for value: UInt64 in [500, 1_000, 2_000, 40_000] { r.schedulingLatency.record(value) }
        r.migrations = 11
        r.balancingMoves = 2
        return r
    }

    static func report(_ result: RunResult) -> RunReport {
        RunReport(result: result, replay: "spe-vm run --platform sim --seed 7", onlineCores: 2)
    }

    static func violated(count: Int) -> RunResult {
        var r = result()
        r.outcome = .stopped(liveTasks: 8)
        r.violations = (0..<count).map { n in
            SPEViolation(rule: .hwServiceClearedOnExit, cpu: n % 2, vcpu: VCPUID(vm: 0, index: n % 3), event: UInt64(n), detail: "S still set")
        }
        r.runtimeViolations = [
            RuntimeViolation(rule: .oneVCPUPerCPU, cpu: nil, vcpu: VCPUID(vm: 1, index: 0), time: 777, detail: "held twice")
        ]
        r.report = ViolationReport(violation: r.violations.first?.description ?? "", recentEvents: [.guestEntered], seed: 7)
        return r
    }

    @Test("the text has every section, the model, and says the figures are the model's on this host")
    func textSections() {
        let lines = Self.report(Self.result()).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let expected = [
            "spe-vm run: KVM arm64 guest SPE, v6 RFC",
            "These are the model's figures on this host: not measurements of KVM or of hardware.",
            "configuration",
            "  platform       sim: deterministic, virtual time, seeded schedule",
            "  machine        2 physical CPUs, 8 VCPUs in 3 VMs",
            "  vm0            3 VCPUs, SPE, workload profile, max buffer size 8192 bytes, SPU 1, PMSIDR_EL1 hides FT,FnE, legacy driver order, guest sampling discard, locked memory no limit",
            "  vm1            3 VCPUs, SPE, workload mixed, max buffer size no limit, SPU every CPU, locked memory no limit",
            "  vm2            2 VCPUs, no SPE, workload idle, locked memory no limit",
            "  budget         5000 exits",
            "  seed           7",
            "  schedule       time slice 1ms, migrate every 1ms, strategy random",
            "  idle           park, busy guest off (live platform only)",
            "  host perf      off",
            "  host work      200 operations after every exit",
            "  faults         none",
            "  mutation       none",
            "ended          finished: every task ended, at 12.345 ms of platform time",
            "exits          total 28: sysreg 1, irq 2, wfi 3, hypercall 4, maintenance 5, preemption 6, locked-memory 7",
            "spe records    sampled 1000, written 990 (63360 bytes), dropped 10: collision 4, filtered 0, discarded 0, stopped 6, fault 0",
            "management     13 events to guests (hardware events 12; enable refusals: misprogrammed 0, too-large 1, stage1-unmapped 0, stage2-unmapped 0)",
            "pins           20 pins (163840 bytes), 19 unpins, 40.000 µs pinning, 0 locked-memory exits",
            "trapped        30 reads, 60 writes of SPE registers",
            "guest drivers  12 SPE interrupts, 980 records consumed (2 truncated), 0 faults",
            "host perf      5 records consumed, 1 interrupts handled, 0 spurious",
            "interrupts",
            "  physical     kick (INTID 0) 5, SPE (INTID 21) 12, host timer (INTID 26) 100, INTID 40 1",
            "  virtual      injected 15, delivered 15, maintenance exits 12, kicks 4, wakes 3",
            "  guest-taken  SPE (INTID 21) 12, virtual timer (INTID 27) 3",
            "scheduling     11 migrations by the migrator, 2 balancing moves",
            "invariants     123456 events checked, 0 violations",
            "blackout       2.500 ms over 12 stops (a guest's buffer stopped, waiting for its driver)",
            "latency        runnable → in guest: min 500 ns, p50 1.007 µs, p99 40.000 µs, max 40.000 µs (4 samples)",
            "timing         0.500 s of wall time, 56 exits/s (wall clock: varies run to run)",
        ]
        #expect(lines.filter { !$0.isEmpty } == expected)
        #expect(Self.report(Self.result()).status == .success)
    }

    @Test("live: the platform line says whether the CPUs are oversubscribed; idle and busy guest are not marked live-only")
    func liveConfiguration() {
        var result = Self.result(platform: .live)
        result.scenario.idle = .poll(window: 50_000)
        result.scenario.busyGuest = true
        let text = Self.report(result).text
        #expect(text.contains("  platform       live: a thread per physical CPU, the real clock; 2 physical CPUs on 2 online cores: oversubscribed\n"))
        #expect(text.contains("  idle           poll (50000 ns, then park), busy guest on\n"))
        // The measures in effect, on live only.
        result.measures.priority = 80
        result.measures.realtimePriority = .inEffect
        result.measures.lockMemory = .notTaken("mlockall: EPERM")
        #expect(Self.report(result).text.contains(
            "  measures       SCHED_FIFO 80: \(MeasureState.inEffect); mlockall: \(MeasureState.notTaken("mlockall: EPERM")); "
                + "cpu_dma_latency 0: \(MeasureState.notAsked)\n"))
        #expect(!Self.report(Self.result()).text.contains("measures"))
        result.oversubscribed = false
        #expect(Self.report(result).text.contains("the real clock; 2 physical CPUs on 2 online cores\n"))
    }

    @Test("violations: each printed up to 50, the first one's report and the replay command; exit status 1")
    func violations() {
        let report = Self.report(Self.violated(count: 60))
        let lines = report.text.split(separator: "\n").map(String.init)
        #expect(report.status == .violations)
        #expect(lines.contains("invariants     123456 events checked, 61 violations"))
        #expect(lines.filter { $0.hasPrefix("  violation: ") }.count == 50)
        #expect(lines.contains("  violation: hw-service-cleared-on-exit on cpu0 vm0.vcpu0 at event 0: S still set"))
        #expect(lines.contains("  ... 11 more (--json lists every violation)"))
        #expect(lines.contains("    violation: hw-service-cleared-on-exit on cpu0 vm0.vcpu0 at event 0: S still set"))
        #expect(lines.contains("    replay: spe-vm run --platform sim --seed 7 (seed 7)"))
        #expect(lines.last == "replay         spe-vm run --platform sim --seed 7")
        let few = Self.report(Self.violated(count: 1)).text
        #expect(few.contains("  violation: one-vcpu-per-cpu vm1.vcpu0 at 777 ns: held twice\n"))
        #expect(!few.contains("more (--json"))
    }

    @Test("the verdict: a clean end is 0; violations, deadlock, livelock, a stop without a rule, an unmet exit budget are 1", arguments: [
        (PlatformOutcome.finished, RunBudget.exits(5), RunVerdict.clean),
        (.timeLimit(liveTasks: 8), .duration(5), .clean),
        (.timeLimit(liveTasks: 8), .exits(5), .unfinished("the platform's time limit passed before the exit budget was reached (8 tasks alive)")),
        (.deadlock(liveTasks: 3), .exits(5), .unfinished("deadlock: 3 tasks alive, none could run, and no timer was pending")),
        (.livelock(liveTasks: 3), .exits(5), .unfinished("livelock: jobs kept running without time advancing (3 tasks alive)")),
        (.stopped(liveTasks: 3), .exits(5), .unfinished("the run was stopped with no rule reported broken (3 tasks alive)")),
    ])
    func verdict(outcome: PlatformOutcome, budget: RunBudget, verdict: RunVerdict) {
        var result = Self.result(outcome: outcome)
        result.scenario.budget = budget
        let report = Self.report(result)
        #expect(report.verdict == verdict)
        #expect(report.status == (verdict == .clean ? .success : .violations))
        if case .unfinished(let why) = verdict {
            #expect(report.text.contains("ended          did not end cleanly: \(why), at 12.345 ms of platform time\n"))
        }
        #expect(Self.report(Self.violated(count: 2)).verdict == .violated(3))
        var escaped = Self.result()
        escaped.escapedJobs = 2
        #expect(Self.report(escaped).verdict == .unfinished("2 jobs escaped the simulated platform"))
    }

    @Test("--json has the keys issue 5 asks for, with the figures of the result")
    func jsonKeys() throws {
        let json = try ToolProcess.jsonObject(Self.report(Self.result()).json.rendered)
        #expect(Set(json.keys) == [
            "model", "config", "seed", "outcome", "oversubscribed", "platform_time_ns", "exits", "spe", "interrupts", "invariants",
            "blackout", "latency_ns", "scheduling", "timing", "measures",
        ])
        let measures = try #require(json["measures"] as? [String: [String: String]])
        #expect(measures == ["priority": ["state": "not_asked"], "mlock": ["state": "not_asked"], "pm_qos": ["state": "not_asked"]])
        #expect(json["model"] as? String == "KVM arm64 guest SPE, v6 RFC")
        #expect(json["seed"] as? Int == 7)
        let exits = try #require(json["exits"] as? [String: Int])
        #expect(exits == ["sysreg": 1, "irq": 2, "wfi": 3, "hypercall": 4, "maintenance": 5, "preemption": 6, "locked_memory": 7, "total": 28])
        let spe = try #require(json["spe"] as? [String: Any])
        #expect(spe["records_written"] as? Int == 990)
        #expect(spe["management_events"] as? Int == 13)
        #expect(spe["records_dropped"] as? [String: Int] == ["total": 10, "collision": 4, "filtered": 0, "discarded": 0, "stopped": 6, "fault": 0])
        let interrupts = try #require(json["interrupts"] as? [String: Any])
        #expect(interrupts["physical"] as? [String: Int] == ["kick": 5, "spe": 12, "host_timer": 100, "intid_40": 1])
        #expect(interrupts["guest"] as? [String: Int] == ["spe": 12, "virtual_timer": 3])
        #expect(interrupts["virtual"] as? [String: Int] == ["injected": 15, "delivered": 15, "maintenance_exits": 12, "kicks_sent": 4, "wakes": 3])
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(invariants["checked"] as? Int == 123_456)
        #expect((invariants["violations"] as? [Any])?.count == 0)
        #expect(json["latency_ns"] as? [String: Int] == ["count": 4, "min": 500, "p50": 1_007, "p99": 40_000, "max": 40_000])
        #expect(json["blackout"] as? [String: Int] == ["ns": 2_500_000, "stops": 12])
        let timing = try #require(json["timing"] as? [String: Double])
        #expect(Set(timing.keys) == ["wall_seconds", "exits_per_second"])
        #expect(timing["wall_seconds"] == 0.5)
        #expect(timing["exits_per_second"] == 56)
        let outcome = try #require(json["outcome"] as? [String: Any])
        #expect(outcome["ended"] as? String == "finished")
        #expect(outcome["clean"] as? Bool == true)
    }

    @Test("--json lists every violation with its kind, and the replay command")
    func jsonViolations() throws {
        let json = try ToolProcess.jsonObject(Self.report(Self.violated(count: 60)).json.rendered)
        let invariants = try #require(json["invariants"] as? [String: Any])
        let violations = try #require(invariants["violations"] as? [[String: Any]])
        #expect(violations.count == 61)
        #expect(Set(violations[0].keys) == ["kind", "rule", "cpu", "vcpu", "event", "detail"])
        #expect(violations[0]["rule"] as? String == "hw-service-cleared-on-exit")
        #expect(Set(violations[60].keys) == ["kind", "rule", "cpu", "vcpu", "time_ns", "detail"])
        #expect(violations[60]["kind"] as? String == "runtime")
        #expect(violations[60]["cpu"] is NSNull)
        #expect(json["replay"] as? String == "spe-vm run --platform sim --seed 7")
        #expect((invariants["first_violation"] as? [String: Any])?["recent_events"] as? [String] == ["guestEntered"])
    }

    @Test("the JSON without timing does not depend on the order dictionaries were filled in, nor on the wall clock")
    func jsonStable() {
        var a = Self.result()
        var b = Self.result(reversed: true)
        b.wallSeconds = 9.75
        #expect(a.exits == b.exits)
        func withoutTiming(_ result: RunResult) -> String {
            guard case .object(var members) = Self.report(result).json else { return "" }
            members["timing"] = nil
            return JSONValue.object(members).rendered
        }
        #expect(withoutTiming(a) == withoutTiming(b))
        #expect(Self.report(a).json.rendered != Self.report(b).json.rendered)
        a.wallSeconds = 9.75
        #expect(Self.report(a).json.rendered == Self.report(b).json.rendered)
    }
}
