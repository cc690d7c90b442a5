import Foundation
import HostIRQ
import Testing

@testable import VCPURuntime

/// A Chrome trace-event file read back with `JSONSerialization`, and the facts a trace must hold.
struct ParsedTrace {
    /// One event, times in nanoseconds.
    struct Event: Hashable, CustomStringConvertible {
        var ph: String
        var pid: Int
        var tid: Int
        var ts: UInt64
        var dur: UInt64?
        var name: String
        var cat: String?
        /// The flow's id (`s`, `f`).
        var id: Int?
        /// A counter's value, an instant's INTID, a guest run's exit reason (as text).
        var value: String?

        var description: String {
            "\(ph) \(pid)/\(tid) \(ts)\(dur.map { "+\($0)" } ?? "") \(name)\(value.map { " [\($0)]" } ?? "")"
        }
    }

    let metadata: [String: Any]
    let displayTimeUnit: String?
    /// Track names by (pid, tid), and process names by pid.
    var threadNames: [Int: String] = [:]
    var processNames: [Int: String] = [:]
    /// Every event but the `M` ones, in file order.
    var events: [Event] = []

    init(_ text: String) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        metadata = try #require(object["metadata"] as? [String: Any])
        displayTimeUnit = object["displayTimeUnit"] as? String
        let list = try #require(object["traceEvents"] as? [[String: Any]])
        for raw in list {
            let ph = try #require(raw["ph"] as? String)
            let pid = try #require(raw["pid"] as? Int)
            let args = raw["args"] as? [String: Any] ?? [:]
            if ph == "M" {
                if raw["name"] as? String == "thread_name" { threadNames[try #require(raw["tid"] as? Int)] = args["name"] as? String }
                if raw["name"] as? String == "process_name" { processNames[pid] = args["name"] as? String }
                continue
            }
            var event = Event(
                ph: ph, pid: pid, tid: raw["tid"] as? Int ?? -1, ts: Self.nanoseconds(try #require(raw["ts"] as? Double)),
                dur: (raw["dur"] as? Double).map(Self.nanoseconds), name: try #require(raw["name"] as? String),
                cat: raw["cat"] as? String, id: raw["id"] as? Int)
            switch ph {
            case "X": event.value = args["exit"] as? String
            case "C": event.value = args.values.first.map { "\($0)" }
            case "i": event.value = args["intid"].map { "\($0)" }
            default: break
            }
            events.append(event)
        }
    }

    static func nanoseconds(_ microseconds: Double) -> UInt64 { UInt64((microseconds * 1000).rounded()) }

    func events(_ ph: String, category: String? = nil, pid: Int? = nil) -> [Event] {
        events.filter { $0.ph == ph && (category == nil || $0.cat == category) && (pid == nil || $0.pid == pid) }
    }

    /// Pairs of complete slices on one track that overlap (one starts before the other ends).
    static func overlaps(_ events: [Event]) -> [(Event, Event)] {
        var found: [(Event, Event)] = []
        let tracks = Dictionary(grouping: events.filter { $0.ph == "X" }) { "\($0.pid)/\($0.tid)" }
        for key in tracks.keys.sorted() {
            let slices = tracks[key]!.sorted { ($0.ts, $0.dur ?? 0) < ($1.ts, $1.dur ?? 0) }
            for (a, b) in zip(slices, slices.dropFirst()) where a.ts + (a.dur ?? 0) > b.ts { found.append((a, b)) }
        }
        return found
    }

    /// Flow ids that do not pair one start with one end.
    var unpairedFlows: [Int] {
        let starts = events("s").compactMap(\.id), ends = events("f").compactMap(\.id)
        let counts = Dictionary(grouping: starts + ends) { $0 }.mapValues(\.count)
        var unpaired = counts.filter { $0.value != 2 }.map(\.key)
        unpaired += Set(starts).symmetricDifference(Set(ends))
        return Array(Set(unpaired)).sorted()
    }

    /// Each CPU's run-queue depths, in file order.
    var runQueues: [Int: [Int]] {
        var depths: [Int: [Int]] = [:]
        for event in events("C") { depths[event.tid - 1, default: []].append(Int(event.value ?? "") ?? -1) }
        return depths
    }

    /// Run-queue changes that are not one VCPU more or fewer (a queue starts empty).
    var runQueueJumps: [String] {
        runQueues.keys.sorted().flatMap { cpu in
            zip([0] + runQueues[cpu]!, runQueues[cpu]!).filter { abs($0.0 - $0.1) != 1 }.map { "cpu\(cpu): \($0.0) → \($0.1)" }
        }
    }

    /// Guest runs that start where their CPU's run queue holds no VCPU (a queue starts empty).
    var guestRunsOnEmptyCPUs: [Event] {
        var depth: [Int: Int] = [:]
        var found: [Event] = []
        for event in events {
            if event.ph == "C" { depth[event.tid - 1] = Int(event.value ?? "") ?? -1 }
            if event.ph == "X", depth[event.tid - 1, default: 0] < 1 { found.append(event) }
        }
        return found
    }

    /// The facts every trace holds, whatever the schedule: guest runs on one CPU never overlap,
    /// flows pair up, a run queue moves by one at a time from 0, every guest run lies where its
    /// CPU's run queue holds a VCPU, and the file names its tracks and says its figures are the model's.
    func expectWellFormed(cpus: Int, vcpus: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(displayTimeUnit == "ns", sourceLocation: sourceLocation)
        #expect(metadata["note"] as? String == RunTrace.note, sourceLocation: sourceLocation)
        #expect(Self.overlaps(events).map { "\($0.0) / \($0.1)" } == [], sourceLocation: sourceLocation)
        #expect(unpairedFlows == [], sourceLocation: sourceLocation)
        #expect(events.map(\.ts) == events.map(\.ts).sorted() || !events("i", category: "violation").isEmpty,
            "events are in time order", sourceLocation: sourceLocation)
        #expect(runQueueJumps == [], sourceLocation: sourceLocation)
        #expect(guestRunsOnEmptyCPUs.map(\.description) == [], "guest runs on a CPU whose run queue is empty",
            sourceLocation: sourceLocation)
        #expect((0..<cpus).map { threadNames[$0 + 1] } == (0..<cpus).map { "cpu\($0)" }, sourceLocation: sourceLocation)
        #expect((0..<vcpus).allSatisfy { threadNames[RunTrace.vcpuThreadBase + $0] != nil }, sourceLocation: sourceLocation)
        #expect(processNames[RunTrace.cpuProcess]?.hasPrefix("physical CPUs") == true, sourceLocation: sourceLocation)
    }

    /// The trace's counts equal the run's statistics: a guest run per entry (every exit but a
    /// locked-memory one follows an entry), an instant per physical interrupt the host took, per
    /// virtual interrupt a guest took and per hardware SPE management event. For a run whose VCPUs
    /// all finished.
    func expectCounts(of result: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(metadata["truncated"] as? Bool == false, sourceLocation: sourceLocation)
        #expect(UInt64(events("X", category: "guest").count) == result.exits.total - result.exits[.lockedMemory],
            sourceLocation: sourceLocation)
        #expect(UInt64(events("i", category: "irq").count) == result.physicalInterrupts.values.reduce(0, +),
            sourceLocation: sourceLocation)
        #expect(UInt64(events("i", category: "virq", pid: RunTrace.cpuProcess).count) == result.virtualInterrupts.delivered,
            sourceLocation: sourceLocation)
        #expect(UInt64(events("i", category: "spe").count) == result.unit.managementEvents, sourceLocation: sourceLocation)
        // Per INTID too.
        var physical: [UInt32: UInt64] = [:]
        for event in events("i", category: "irq") { physical[UInt32(event.value ?? "") ?? 9999, default: 0] += 1 }
        #expect(physical == result.physicalInterrupts, sourceLocation: sourceLocation)
        var taken: [UInt32: UInt64] = [:]
        for event in events("i", category: "virq", pid: RunTrace.cpuProcess) { taken[UInt32(event.value ?? "") ?? 9999, default: 0] += 1 }
        // Every VCPU finished: the interrupts their guests took are the ones the trace shows taken.
        #expect(taken == result.guestInterrupts, sourceLocation: sourceLocation)
        #expect(taken.values.reduce(0, +) == result.virtualInterrupts.delivered, sourceLocation: sourceLocation)
    }
}
