import Foundation
import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// Traces of simulated runs (``RunTrace``), written as Chrome trace-event JSON and read back.
@Suite struct TraceTests {
    /// A run traced with `limit`, and its trace read back.
    static func traced(_ scenario: Scenario, limit: Int = RunTrace.defaultLimit) throws -> (RunResult, RunTrace, ParsedTrace) {
        var run = ScenarioRun(scenario: scenario, platform: .sim)
        run.traceLimit = limit
        let result = run.run()
        let trace = try #require(result.trace)
        return (result, trace, try ParsedTrace(trace.chromeTraceJSON))
    }

    /// ScenarioRunTests' scenario (four VMs over-committed on three CPUs, host perf, migrations);
    /// the same with every fault (spurious PMBIRQs, kick storms, host sessions started and
    /// stopped, late events, ...); and a profiling VM under a locked-memory limit the memlock fault
    /// tightens until pins exit to the VMM (exits without a guest run).
    static let scenarios: [(String, Scenario)] = {
        var faulty = ScenarioRunTests.scenario(seed: 7, exits: 4_000)
        faulty.faults = Dictionary(uniqueKeysWithValues: FaultKind.allCases.map { ($0, 30_000) })
        var profile = VMScenario(vcpus: 3, workload: .profile)
        profile.lockedMemoryLimit = 64 * 1024
        profile.maxBufferSize = 4096
        profile.spu = [1, 2]
        var locked = Scenario(cpus: 3, vms: [VMScenario(vcpus: 4, workload: .mixed), profile], budget: .exits(4_000))
        locked.seed = 7
        locked.faults = [.memlock: 30_000]
        return [("over-committed", ScenarioRunTests.scenario(seed: 21, exits: 4_000)), ("every fault", faulty), ("locked memory", locked)]
    }()

    @Test(arguments: scenarios.indices)
    func aTraceIsWellFormedAndCountsWhatTheRunCounted(index: Int) throws {
        let (result, trace, parsed) = try Self.traced(Self.scenarios[index].1)
        #expect(result.outcome == .finished)
        #expect(result.isClean)
        parsed.expectWellFormed(cpus: 3, vcpus: result.vcpus.count)
        parsed.expectCounts(of: result)
        // The figures a run counts per VCPU: a guest run per entry.
        #expect(UInt64(trace.counts.guestRuns) == result.vcpus.reduce(0) { $0 + $1.entries })
        for vcpu in result.vcpus {
            #expect(parsed.events("X").filter { $0.name == vcpu.id.description }.count == Int(vcpu.entries), "\(vcpu.id)")
        }
        // Every virtual interrupt taken has its injection time here: a flow each.
        #expect(parsed.events("s").count == parsed.events("i", category: "virq", pid: RunTrace.cpuProcess).count)
        // Every run queue ends empty: each VCPU left its CPU.
        #expect(parsed.runQueues.values.map { $0.last } == Array(repeating: 0, count: parsed.runQueues.count))
        #expect(parsed.runQueues.count == 3)
        #expect(parsed.threadNames[RunTrace.vcpuThreadBase + result.vcpus.count - 1] == result.vcpus.last?.id.description)
        // The metadata's counts are the file's.
        let counts = try #require(parsed.metadata["counts"] as? [String: Int])
        #expect(counts["guest_runs"] == trace.counts.guestRuns)
        #expect(counts["virtual_interrupts"] == trace.counts.virtualInterrupts)
        #expect(counts["management_events"] == trace.counts.managementEvents)
        #expect(counts["physical_interrupts"] == trace.counts.physicalInterrupts)
        #expect(counts["flows"] == parsed.events("f").count)
        #expect(counts["run_queue_samples"] == parsed.events("C").count)
        #expect(parsed.metadata["end_ns"] as? Int == Int(result.endTime))
    }

    @Test func theFaultyRunsTracePhysicalInterruptsVMMDeviceInterruptsAndExitsWithoutAGuestRun() throws {
        // The faults show in the traces, so the counts above were not all zeros.
        let (_, _, faulty) = try Self.traced(Self.scenarios[1].1)
        #expect(faulty.events("i", category: "irq").contains { $0.value == "\(INTID.spePMBIRQ.rawValue)" })
        #expect(faulty.events("i", category: "virq").contains { $0.value == "\(INTID.vmmDevice.rawValue)" })
        #expect(faulty.events("i", category: "spe").count > 0)
        let (locked, _, _) = try Self.traced(Self.scenarios[2].1)
        #expect(locked.exits[.lockedMemory] > 0)
    }

    @Test func tracingDoesNotChangeASimulatedRun() {
        let scenario = ScenarioRunTests.scenario(seed: 5, exits: 2_000)
        let plain = ScenarioRun(scenario: scenario, platform: .sim).run()
        var run = ScenarioRun(scenario: scenario, platform: .sim)
        run.traceLimit = 1_000
        let traced = run.run()
        #expect(plain.trace == nil)
        #expect(traced.decisions == plain.decisions)
        #expect(traced.exits == plain.exits)
        #expect(traced.endTime == plain.endTime)
        #expect(traced.unit == plain.unit)
    }

    /// One VCPU on one CPU takes two timer interrupts 1 ms apart, then powers off. Each guest run
    /// takes no virtual time (it runs no operation), each exit 500 ns (``PhysicalCPU/exitNanoseconds``).
    @Test func theTraceOfATinyRunIsExact() throws {
        var scenario = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1, workload: .idle)], budget: .duration(10_000_000))
        scenario.timerPeriod = 1_000_000
        scenario.guestIterations = 2
        let (result, _, parsed) = try Self.traced(scenario)
        #expect(result.endTime == 2_000_500)
        let timer = "\(INTID.virtualTimer.rawValue)"
        let run = { (ts: UInt64, exit: String) in
            ParsedTrace.Event(ph: "X", pid: 1, tid: 1, ts: ts, dur: 0, name: "vm0.vcpu0", cat: "guest", value: exit)
        }
        let depth = { (ts: UInt64, depth: Int) in
            ParsedTrace.Event(ph: "C", pid: 1, tid: 1, ts: ts, name: "run queue", value: "\(depth)")
        }
        let injected = { (ts: UInt64, flow: Int) in
            [
                ParsedTrace.Event(ph: "i", pid: 2, tid: 10_000, ts: ts, name: "vIRQ virtual timer injected", cat: "virq", value: timer),
                ParsedTrace.Event(ph: "s", pid: 2, tid: 10_000, ts: ts, name: "vIRQ", cat: "virq", id: flow),
            ]
        }
        let taken = { (ts: UInt64, flow: Int) in
            [
                ParsedTrace.Event(ph: "i", pid: 1, tid: 1, ts: ts, name: "vIRQ virtual timer", cat: "virq", value: timer),
                ParsedTrace.Event(ph: "f", pid: 1, tid: 1, ts: ts, name: "vIRQ", cat: "virq", id: flow),
            ]
        }
        // Boot: arm the timer, WFI (an exit), block; the CPU is free once the exit is handled.
        var expected = [depth(0, 1), run(0, "wfi"), depth(500, 0)]
        // Each tick: the timer's interrupt wakes the VCPU, which enters, takes it at once and
        // re-arms (the first time) or powers off (the second).
        expected += injected(1_000_000, 1) + [depth(1_000_000, 1), run(1_000_000, "wfi")] + taken(1_000_000, 1) + [depth(1_000_500, 0)]
        expected += injected(2_000_000, 2) + [depth(2_000_000, 1), run(2_000_000, "hypercall")] + taken(2_000_000, 2) + [depth(2_000_500, 0)]
        #expect(parsed.events == expected)
        parsed.expectWellFormed(cpus: 1, vcpus: 1)
        parsed.expectCounts(of: result)
    }

    @Test func aTraceIsCutWhereItsFirstLogFilledAndHoldsEverythingBefore() throws {
        let scenario = ScenarioRunTests.scenario(seed: 21, exits: 2_000)
        let (_, whole, _) = try Self.traced(scenario)
        let (_, cut, parsed) = try Self.traced(scenario, limit: 400)
        #expect(!whole.isTruncated)
        #expect(whole.leftOut == 0)
        let time = try #require(cut.cut)
        // Each CPU and the scheduler kept at most 100 records (400 / (3 CPUs + 1)).
        #expect(cut.records.count <= 400)
        #expect(Dictionary(grouping: cut.records.filter { if case .runQueue = $0.event { false } else { true } }, by: \.cpu)
            .values.allSatisfy { $0.count <= 100 })
        // The cut trace is the whole one up to the cut: tracing less changes nothing before it.
        #expect(cut.records == whole.records.filter { $0.time < time })
        #expect(cut.leftOut == UInt64(whole.records.count - cut.records.count))
        #expect(parsed.metadata["truncated"] as? Bool == true)
        #expect(parsed.metadata["cut_ns"] as? Int == Int(time))
        #expect(parsed.metadata["left_out"] as? Int == Int(cut.leftOut))
        parsed.expectWellFormed(cpus: 3, vcpus: 10)
    }

    @Test func aRunStoppedByABrokenRuleIsStillTracedWithItsViolation() throws {
        var scenario = ScenarioRunTests.scenario(seed: 3, exits: 4_000)
        scenario.runtimeMutation = .putSkippedOnMove
        let (result, trace, parsed) = try Self.traced(scenario)
        #expect(!result.runtimeViolations.isEmpty)
        #expect(trace.counts.guestRuns > 0)
        let violations = parsed.events("i", category: "violation")
        #expect(violations.map(\.name) == result.runtimeViolations.map { "violation: \($0.rule)" })
        #expect(violations.map(\.ts) == result.runtimeViolations.map(\.time))
        #expect((parsed.metadata["violations"] as? [String])?.count == result.runtimeViolations.count + result.violations.count)
        parsed.expectWellFormed(cpus: 3, vcpus: 10)
    }
}

/// The checks of ``ParsedTrace`` catch what they look for: each is shown a trace that breaks it.
@Suite struct TraceCheckTests {
    static func file(_ events: String) -> String {
        #"{"displayTimeUnit":"ns","metadata":{},"traceEvents":["# + events + "]}"
    }

    @Test func overlappingSlicesOnOneTrackAreFoundAndOnTwoTracksAreNot() throws {
        let overlapping = try ParsedTrace(Self.file(#"""
            {"ph":"X","pid":1,"tid":1,"ts":1.000,"dur":2.000,"name":"a"},
            {"ph":"X","pid":1,"tid":1,"ts":2.999,"dur":1.000,"name":"b"},
            {"ph":"X","pid":1,"tid":2,"ts":1.500,"dur":1.000,"name":"c"}
            """#))
        #expect(ParsedTrace.overlaps(overlapping.events).map { "\($0.0.name)\($0.1.name)" } == ["ab"])
        let touching = try ParsedTrace(Self.file(#"""
            {"ph":"X","pid":1,"tid":1,"ts":1.000,"dur":2.000,"name":"a"},
            {"ph":"X","pid":1,"tid":1,"ts":3.000,"dur":0.000,"name":"b"}
            """#))
        #expect(ParsedTrace.overlaps(touching.events).isEmpty)
    }

    @Test func aFlowWithoutItsOtherEndOrTwiceIsUnpaired() throws {
        let parsed = try ParsedTrace(Self.file(#"""
            {"ph":"s","pid":2,"tid":1,"ts":1.0,"name":"vIRQ","id":1},
            {"ph":"f","pid":1,"tid":1,"ts":2.0,"name":"vIRQ","id":1},
            {"ph":"s","pid":2,"tid":1,"ts":1.0,"name":"vIRQ","id":2},
            {"ph":"f","pid":1,"tid":1,"ts":2.0,"name":"vIRQ","id":3},
            {"ph":"f","pid":1,"tid":1,"ts":2.0,"name":"vIRQ","id":3}
            """#))
        #expect(parsed.unpairedFlows == [2, 3])
    }

    @Test func aRunQueueThatJumpsOrAGuestRunOnAnEmptyCPUIsCaught() throws {
        let jumps = try ParsedTrace(Self.file(#"""
            {"ph":"C","pid":1,"tid":1,"ts":1.0,"name":"run queue","args":{"cpu0":1}},
            {"ph":"C","pid":1,"tid":1,"ts":2.0,"name":"run queue","args":{"cpu0":3}}
            """#))
        #expect(jumps.runQueueJumps == ["cpu0: 1 → 3"])
        let empty = try ParsedTrace(Self.file(#"""
            {"ph":"X","pid":1,"tid":1,"ts":0.5,"dur":0.2,"name":"vm0.vcpu1"},
            {"ph":"C","pid":1,"tid":1,"ts":1.0,"name":"run queue","args":{"cpu0":1}},
            {"ph":"X","pid":1,"tid":1,"ts":1.0,"dur":1.0,"name":"vm0.vcpu0"},
            {"ph":"C","pid":1,"tid":1,"ts":2.0,"name":"run queue","args":{"cpu0":0}},
            {"ph":"X","pid":1,"tid":1,"ts":3.0,"dur":1.0,"name":"vm0.vcpu0"}
            """#))
        #expect(empty.runQueueJumps == [])
        #expect(empty.guestRunsOnEmptyCPUs.map(\.ts) == [500, 3_000])
    }
}
