import VCPURuntime

extension LatencyReport {
    /// The report as one JSON object. Latencies are in nanoseconds of platform time; every kind the
    /// run recorded has `count`, `min`, `max`, `mean` and the percentiles `p50`, `p90`, `p99`,
    /// `p99.9` and `p99.99`. `timing` holds the only wall-clock figure, so on the simulated platform
    /// the object without it is the same for the same flags and seed. `config` is a scenario file
    /// of the run (`spe-vm latency --scenario` reads it; its interval and loops are flags).
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "model": .string(RunReport.model),
            "note": .string(Self.disclaimer),
            "platform": .string(result.platform.rawValue),
            "config": ScenarioFile.json(result.scenario, platform: result.platform),
            "seed": .integer(result.scenario.seed),
            "interval_ns": .integer(plan.interval),
            "loops": plan.loops.map { .integer(UInt64($0)) } ?? .null,
            "ended": .string(endedText),
            "clean": .bool(verdict == .clean),
            "platform_time_ns": .integer(result.endTime),
            "latency_ns": Self.kindsJSON(result.latency),
            "vcpus": .array(vcpuLines.map(vcpuJSON)),
            "measures": result.measures.reportJSON,
            "invariants": .object([
                "checked": .integer(result.eventsChecked),
                "violations": .array(
                    (result.violations.map(\.description) + result.runtimeViolations.map(\.description)).map(JSONValue.string)),
            ]),
            "timing": .object(["wall_seconds": .number(result.wallSeconds)]),
        ]
        if plan.histogram != nil { object["histogram"] = histogramJSON }
        if status != .success { object["replay"] = .string(replay) }
        return .object(object)
    }

    /// Every kind recorded, by name: count, min, max, mean and the percentiles.
    static func kindsJSON(_ figures: LatencyFigures) -> JSONValue {
        var kinds: [String: JSONValue] = [:]
        for kind in figures.kinds { kinds[kind.rawValue] = histogramJSON(figures.histogram(kind)) }
        return .object(kinds)
    }

    /// Count, min, max, mean and the reported percentiles of `histogram`.
    static func histogramJSON(_ histogram: LatencyHistogram) -> JSONValue {
        var object: [String: JSONValue] = [
            "count": .integer(histogram.count),
            "min": .integer(histogram.min),
            "max": .integer(histogram.max),
            "mean": .number(histogram.mean),
        ]
        for (key, percent) in LatencyHistogram.reportedPercentiles { object[key] = .integer(histogram.percentile(percent)) }
        return .object(object)
    }

    /// One VCPU: its cyclictest figures (µs, as its line prints them), its latencies by kind, and
    /// its `perf sched latency` row.
    private func vcpuJSON(_ line: VCPULine) -> JSONValue {
        let timer = line.timer.histogram
        let figures = line.figures
        let delay = figures.latency[.runqueue] ?? LatencySeries()
        return .object([
            "v": .integer(UInt64(line.number)),
            "vcpu": .string(figures.id.description),
            "vm": .integer(UInt64(figures.id.vm)),
            "index": .integer(UInt64(figures.id.index)),
            "cyclictest": .object([
                "priority": .integer(UInt64(clamping: result.measures.effectivePriority)),
                "interval_us": .integer(Self.wholeMicroseconds(plan.interval)),
                "count": .integer(timer.count),
                "min_us": .integer(Self.wholeMicroseconds(timer.min)),
                "act_us": .integer(Self.wholeMicroseconds(line.timer.last)),
                "avg_us": .integer(Self.wholeMicroseconds(UInt64(timer.mean))),
                "max_us": .integer(Self.wholeMicroseconds(timer.max)),
            ]),
            "latency_ns": Self.kindsJSON(figures.latency),
            "sched": .object([
                "runtime_ns": .integer(figures.runtime),
                "switches": .integer(figures.switches),
                "avg_delay_ns": .number(delay.histogram.mean),
                "max_delay_ns": .integer(delay.histogram.max),
                "max_delay_start_ns": .integer(delay.maxStart),
                "max_delay_end_ns": .integer(delay.maxEnd),
            ]),
        ])
    }

    /// cyclictest's `-h` histogram of the timer latency: its bound, and per VCPU its non-empty
    /// buckets (`[µs, count]`), overflows and the sample numbers of the first overflows.
    private var histogramJSON: JSONValue {
        let bound = plan.histogram ?? 0
        return .object([
            "bound_us": .integer(UInt64(bound)),
            "vcpus": .array(vcpuLines.map { line in
                let linear = line.timer.histogram.linear ?? LinearBuckets(bound: max(bound, 1))
                return .object([
                    "vcpu": .string(line.figures.id.description),
                    "buckets": .array(linear.counts.enumerated().filter { $0.element > 0 }.map {
                        .array([.integer(UInt64($0.offset)), .integer($0.element)])
                    }),
                    "overflows": .integer(linear.overflows),
                    "overflow_samples": .array(linear.outliers.map(JSONValue.integer)),
                ])
            }),
        ])
    }
}
