import SPEDevice
import VCPURuntime

extension RunReport {
    /// The report as one JSON object. `timing` holds the only wall-clock figures; everything else
    /// comes from the model and the platform's clock (virtual on sim), and every key set is fixed or
    /// sorted, so on the simulated platform the object without `timing` is the same for the same
    /// scenario and seed. `config` is a scenario file that runs the scenario again.
    var json: JSONValue {
        let r = result
        var object: [String: JSONValue] = [
            "model": .string(Self.model),
            "config": ScenarioFile.json(r.scenario, platform: r.platform),
            "seed": .integer(r.scenario.seed),
            "outcome": outcomeJSON,
            "oversubscribed": .bool(r.oversubscribed),
            "measures": r.measures.reportJSON,
            "platform_time_ns": .integer(r.endTime),
            "exits": exitsJSON,
            "spe": speJSON,
            "interrupts": .object([
                "physical": InterruptNames.json(r.physicalInterrupts),
                "virtual": .object([
                    "injected": .integer(r.virtualInterrupts.injected),
                    "delivered": .integer(r.virtualInterrupts.delivered),
                    "maintenance_exits": .integer(r.virtualInterrupts.maintenanceExits),
                    "kicks_sent": .integer(r.virtualInterrupts.kicksSent),
                    "wakes": .integer(r.virtualInterrupts.wakes),
                ]),
                "guest": InterruptNames.json(r.guestInterrupts),
            ]),
            "invariants": invariantsJSON,
            "blackout": .object(["ns": .integer(r.blackoutNanoseconds), "stops": .integer(r.blackouts)]),
            "latency_ns": Self.latencyJSON(r.schedulingLatency),
            "scheduling": .object([
                "migrations": .integer(r.migrations),
                "balancing_moves": .integer(r.balancingMoves),
            ]),
            "timing": .object([
                "wall_seconds": .number(r.wallSeconds),
                "exits_per_second": .number(exitsPerSecond),
            ]),
        ]
        if status != .success { object["replay"] = .string(replay) }
        return .object(object)
    }

    /// How the run ended: the platform's outcome, tasks alive, and whether it was clean.
    private var outcomeJSON: JSONValue {
        let (ended, live): (String, Int) =
            switch result.outcome {
            case .finished: ("finished", 0)
            case .timeLimit(let live): ("time_limit", live)
            case .deadlock(let live): ("deadlock", live)
            case .livelock(let live): ("livelock", live)
            case .stopped(let live): ("stopped", live)
            }
        var object: [String: JSONValue] = [
            "ended": .string(ended),
            "live_tasks": .integer(UInt64(clamping: live)),
            "clean": .bool(verdict == .clean),
            "escaped_jobs": .integer(UInt64(clamping: result.escapedJobs)),
        ]
        if case .unfinished(let why) = verdict { object["why"] = .string(why) }
        return .object(object)
    }

    /// Exits by reason (snake_case keys) and their total.
    private var exitsJSON: JSONValue {
        var object: [String: JSONValue] = ["total": .integer(result.exits.total)]
        for reason in ExitReason.allCases { object[Self.key(reason.rawValue)] = .integer(result.exits[reason]) }
        return .object(object)
    }

    private var speJSON: JSONValue {
        let unit = result.unit
        let kvm = result.kvm
        var dropped: [String: JSONValue] = ["total": .integer(unit.droppedTotal)]
        for reason in DropReason.allCases { dropped[Self.key(reason.rawValue)] = .integer(unit.dropped[reason] ?? 0) }
        var refusals: [String: JSONValue] = [:]
        for refusal in EnableRefusal.allCases { refusals[Self.key(refusal.rawValue)] = .integer(kvm.enableRefusals[refusal] ?? 0) }
        return .object([
            "samples": .integer(unit.sampled),
            "records_written": .integer(unit.written),
            "bytes_written": .integer(unit.bytesWritten),
            "records_dropped": .object(dropped),
            "samples_in_flight": .integer(unit.inFlight),
            "management_events": .integer(kvm.managementEvents),
            "hardware_management_events": .integer(unit.managementEvents),
            "enable_refusals": .object(refusals),
            "pins": .integer(kvm.pins),
            "bytes_pinned": .integer(kvm.bytesPinned),
            "unpins": .integer(kvm.unpins),
            "pin_ns": .integer(kvm.pinNanoseconds),
            "locked_memory_exits": .integer(kvm.lockedMemoryExits),
            "trapped_reads": .integer(kvm.trappedReads),
            "trapped_writes": .integer(kvm.trappedWrites),
            "virtual_line_changes": .integer(kvm.virtualLineChanges),
            "driver_order_violations": .integer(kvm.driverOrderViolations),
            "guest_drivers": .object([
                "interrupts": .integer(result.drivers.interrupts),
                "records_consumed": .integer(result.drivers.recordsConsumed),
                "truncated_records": .integer(result.drivers.truncatedRecords),
                "faults": .integer(result.drivers.faults),
            ]),
            "host": .object([
                "records_consumed": .integer(result.host.recordsConsumed),
                "interrupts_handled": .integer(result.host.interruptsHandled),
                "spurious_interrupts": .integer(result.host.spuriousInterrupts),
            ]),
        ])
    }

    /// Events checked and every violation, SPE rules first, in the order the checkers found them.
    private var invariantsJSON: JSONValue {
        let spe: [JSONValue] = result.violations.map { violation in
            .object([
                "kind": .string("spe"),
                "rule": .string(violation.rule.rawValue),
                "cpu": .integer(UInt64(clamping: violation.cpu)),
                "vcpu": violation.vcpu.map { .string($0.description) } ?? .null,
                "event": .integer(violation.event),
                "detail": .string(violation.detail),
            ])
        }
        let runtime: [JSONValue] = result.runtimeViolations.map { violation in
            .object([
                "kind": .string("runtime"),
                "rule": .string(violation.rule.rawValue),
                "cpu": violation.cpu.map { .integer(UInt64(clamping: $0)) } ?? .null,
                "vcpu": violation.vcpu.map { .string($0.description) } ?? .null,
                "time_ns": .integer(violation.time),
                "detail": .string(violation.detail),
            ])
        }
        var object: [String: JSONValue] = [
            "checked": .integer(result.eventsChecked),
            "violations": .array(spe + runtime),
        ]
        if let report = result.report {
            object["first_violation"] = .object([
                "violation": .string(report.violation),
                "recent_events": .array(report.recentEvents.map(JSONValue.string)),
            ])
        }
        return .object(object)
    }

    /// Count, min, p50, p99 and max of `histogram`, in nanoseconds.
    static func latencyJSON(_ histogram: LatencyHistogram) -> JSONValue {
        .object([
            "count": .integer(histogram.count),
            "min": .integer(histogram.min),
            "p50": .integer(histogram.percentile(50)),
            "p99": .integer(histogram.percentile(99)),
            "max": .integer(histogram.max),
        ])
    }

    /// A name as a JSON key: `locked-memory` → `locked_memory`.
    static func key(_ name: String) -> String { String(name.map { $0 == "-" ? "_" : $0 }) }
}
