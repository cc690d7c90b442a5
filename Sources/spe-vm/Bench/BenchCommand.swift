import VCPURuntime

/// `spe-vm bench`: the cost of the platform's primitives measured side by side with the model's
/// costs, in one process, as absolute figures and as ratios.
enum BenchCommand {
    static let spec = CommandSpec(
        name: "bench", summary: "measure the platform's primitives and the model's costs (build with -c release)",
        details: [
            "Measures, in this process: an actor round trip on one CPU's executor (simulated and live), a",
            "call across two live CPU threads, simulated exits per second (trap-storm: an exit per guest",
            "access, no records), the cost per exit from 8 to 1024 VCPUs, live exits per second, memory per",
            "idle VCPU (peak resident set growth from 64 to 1024 idle VCPUs, measured first, before any",
            "other run raises the peak; guest memory is not allocated by the model), and the overhead of",
            "SPE: per exit (idle guests, whose exits differ only by SPE's world switch, with and without",
            "SPE) and for a profiling workload (the same guests for the same virtual time).",
            "Every figure is wall-clock time on this host: run a release build on a quiet machine, and",
            "compare ratios rather than absolute figures across machines. --quick runs a tenth of the work.",
        ],
        options: [
            .flag("quick", "a tenth of the work: a smoke test of the benchmark, not a measurement"),
            .flag("json", "print the figures as one JSON object"),
        ],
        action: { options in
            let figures = BenchFigures.measure(scale: options.isSet("quick") ? 0.1 : 1)
            Console.out(options.isSet("json") ? figures.json.rendered : figures.text)
            return .success
        })
}

/// What `spe-vm bench` measured.
struct BenchFigures: Sendable {
    /// One point of the cost-per-exit curve.
    struct Point: Sendable {
        var vcpus: Int
        var nanosecondsPerExit: Double
    }

    var simulatedRoundTrip: Double = 0
    var liveRoundTrip: Double = 0
    var liveCrossThread: Double = 0
    var simulatedExitsPerSecond: Double = 0
    var curve: [Point] = []
    var liveExitsPerSecond: Double = 0
    var idleVCPUBytes: Double = 0
    /// Wall nanoseconds per exit of idle guests with and without SPE: what SPE's world switch adds
    /// to every exit.
    var speOnNanosecondsPerExit: Double = 0
    var speOffNanosecondsPerExit: Double = 0
    /// Wall nanoseconds per virtual millisecond of the same profiling guests with and without SPE.
    var speOnWallPerVirtualMillisecond: Double = 0
    var speOffWallPerVirtualMillisecond: Double = 0

    var simulatedNanosecondsPerExit: Double { simulatedExitsPerSecond > 0 ? 1e9 / simulatedExitsPerSecond : 0 }
    /// The per-exit cost as a multiple of the bare same-CPU actor round trip (target ≤ 20).
    var exitOverRoundTrip: Double { simulatedRoundTrip > 0 ? simulatedNanosecondsPerExit / simulatedRoundTrip : 0 }
    /// The cost per exit at the most VCPUs over the cost at the fewest (target ≤ 1.25).
    var curveRatio: Double {
        guard let first = curve.first, let last = curve.last, first.nanosecondsPerExit > 0 else { return 0 }
        return last.nanosecondsPerExit / first.nanosecondsPerExit
    }
    /// The cost of an exit with SPE over without.
    var speOverheadPerExit: Double { speOffNanosecondsPerExit > 0 ? speOnNanosecondsPerExit / speOffNanosecondsPerExit : 0 }
    /// The cost of the same guest work with SPE over without.
    var speOverhead: Double {
        speOffWallPerVirtualMillisecond > 0 ? speOnWallPerVirtualMillisecond / speOffWallPerVirtualMillisecond : 0
    }

    /// A scenario of `vcpus` VCPUs of `workload` on `cpus` CPUs, no migrator, stopping after `exits`.
    static func scenario(vcpus: Int, cpus: Int, workload: WorkloadKind, hasSPE: Bool = true, exits: UInt64) -> Scenario {
        Scenario(cpus: cpus, vms: [VMScenario(vcpus: vcpus, workload: workload, hasSPE: hasSPE)], budget: .exits(exits))
    }

    /// Wall nanoseconds per exit of `scenario` on `platform`.
    static func nanosecondsPerExit(_ scenario: Scenario, on platform: PlatformKind) -> Double {
        let result = ScenarioRun(scenario: scenario, platform: platform).run()
        return result.exits.total > 0 ? result.wallSeconds * 1e9 / Double(result.exits.total) : 0
    }

    static func measure(scale: Double) -> BenchFigures {
        func scaled(_ n: Int) -> Int { max(1, Int(Double(n) * scale)) }
        var figures = BenchFigures()
        // Idle VCPUs: each takes a few timer interrupts; the peak resident set grows with their
        // count. First, while the process's peak is still its own start-up's: a later measurement
        // would find the peak other runs left, and understate the growth.
        _ = ScenarioRun(scenario: scenario(vcpus: 64, cpus: 2, workload: .idle, exits: 64 * 4), platform: .sim).run()
        let small = WallClock.peakResidentBytes
        _ = ScenarioRun(scenario: scenario(vcpus: 1024, cpus: 2, workload: .idle, exits: 1024 * 4), platform: .sim).run()
        let large = WallClock.peakResidentBytes
        figures.idleVCPUBytes = Double(large > small ? large - small : 0) / Double(1024 - 64)
        figures.simulatedRoundTrip = PrimitiveBench.roundTrip(
            on: SimulatedPlatform(cpus: 1, seed: 1), from: 0, to: 0, calls: scaled(200_000))
        figures.liveRoundTrip = PrimitiveBench.roundTrip(on: LivePlatform(cpus: 1), from: 0, to: 0, calls: scaled(200_000))
        figures.liveCrossThread = PrimitiveBench.roundTrip(on: LivePlatform(cpus: 2), from: 0, to: 1, calls: scaled(50_000))
        let storm = nanosecondsPerExit(
            scenario(vcpus: 8, cpus: 1, workload: .trapStorm, exits: UInt64(scaled(300_000))), on: .sim)
        figures.simulatedExitsPerSecond = storm > 0 ? 1e9 / storm : 0
        figures.curve = [8, 64, 256, 1024].map { vcpus in
            Point(vcpus: vcpus, nanosecondsPerExit: nanosecondsPerExit(
                scenario(vcpus: vcpus, cpus: 2, workload: .trapStorm, exits: UInt64(scaled(200_000))), on: .sim))
        }
        var live = scenario(vcpus: 8, cpus: 2, workload: .trapStorm, exits: 0)
        live.budget = .duration(UInt64(1_000_000_000 * scale))
        let liveRun = ScenarioRun(scenario: live, platform: .live).run()
        figures.liveExitsPerSecond = liveRun.wallSeconds > 0 ? Double(liveRun.exits.total) / liveRun.wallSeconds : 0
        // The same exits with and without SPE's world switch: idle guests make no SPE access.
        let idleExits = UInt64(scaled(100_000))
        figures.speOnNanosecondsPerExit = nanosecondsPerExit(
            scenario(vcpus: 8, cpus: 2, workload: .idle, exits: idleExits), on: .sim)
        figures.speOffNanosecondsPerExit = nanosecondsPerExit(
            scenario(vcpus: 8, cpus: 2, workload: .idle, hasSPE: false, exits: idleExits), on: .sim)
        // The same guest work with and without SPE: 8 profiling guests for the same virtual time.
        let work = UInt64(20_000_000 * scale)
        figures.speOnWallPerVirtualMillisecond = wallPerVirtualMillisecond(
            scenario(vcpus: 8, cpus: 2, workload: .profile, exits: 0), for: work)
        figures.speOffWallPerVirtualMillisecond = wallPerVirtualMillisecond(
            scenario(vcpus: 8, cpus: 2, workload: .profile, hasSPE: false, exits: 0), for: work)
        return figures
    }

    /// Wall nanoseconds per millisecond of virtual time of `scenario` run for `duration` on the
    /// simulated platform.
    static func wallPerVirtualMillisecond(_ scenario: Scenario, for duration: UInt64) -> Double {
        var scenario = scenario
        scenario.budget = .duration(duration)
        let result = ScenarioRun(scenario: scenario, platform: .sim).run()
        return result.endTime > 0 ? result.wallSeconds * 1e9 / (Double(result.endTime) / 1e6) : 0
    }

    // MARK: Reports

    var text: String {
        func ns(_ value: Double) -> String { String(format: "%.0f ns", value) }
        func ratio(_ value: Double) -> String { String(format: "%.2f×", value) }
        var lines = [
            "spe-vm bench: wall-clock costs of the model on this host (not KVM's)",
            "primitives",
            "  actor round trip, one CPU, simulated   \(ns(simulatedRoundTrip))",
            "  actor round trip, one CPU, live        \(ns(liveRoundTrip))",
            "  call across two live CPU threads       \(ns(liveCrossThread))",
            "simulated exits (trap-storm, 8 VCPUs, 1 CPU)",
            "  exits per second                       \(String(format: "%.0f", simulatedExitsPerSecond)) (target ≥ 1,000,000)",
            "  per exit / actor round trip            \(ratio(exitOverRoundTrip)) (target ≤ 20×)",
            "cost per exit by VCPUs (trap-storm, 2 CPUs, simulated)",
        ]
        lines += curve.map { "  \(String($0.vcpus).padding(to: 5)) VCPUs                            \(ns($0.nanosecondsPerExit))" }
        lines += [
            "  1024 VCPUs / 8 VCPUs                   \(ratio(curveRatio)) (target ≤ 1.25×)",
            "live exits (trap-storm, 8 VCPUs, 2 CPUs)",
            "  exits per second                       \(String(format: "%.0f", liveExitsPerSecond))",
            "memory",
            "  per idle VCPU                          \(String(format: "%.1f KiB", idleVCPUBytes / 1024)) (target ≤ 32 KiB)",
            "SPE overhead per exit (idle, 8 VCPUs, 2 CPUs, simulated; wall time per exit)",
            "  with SPE                               \(ns(speOnNanosecondsPerExit))",
            "  without SPE                            \(ns(speOffNanosecondsPerExit))",
            "  with / without                         \(ratio(speOverheadPerExit))",
            "SPE overhead of profiling (profile, 8 VCPUs, 2 CPUs, simulated; wall time per virtual ms)",
            "  with SPE                               \(ns(speOnWallPerVirtualMillisecond))",
            "  without SPE                            \(ns(speOffWallPerVirtualMillisecond))",
            "  with / without                         \(ratio(speOverhead))",
        ]
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        .object([
            "primitives_ns": .object([
                "simulated_round_trip": .number(simulatedRoundTrip), "live_round_trip": .number(liveRoundTrip),
                "live_cross_thread": .number(liveCrossThread),
            ]),
            "simulated": .object([
                "exits_per_second": .number(simulatedExitsPerSecond),
                "ns_per_exit": .number(simulatedNanosecondsPerExit),
                "exit_over_round_trip": .number(exitOverRoundTrip),
            ]),
            "cost_per_exit_ns": .object(Dictionary(uniqueKeysWithValues: curve.map { ("vcpus_\($0.vcpus)", JSONValue.number($0.nanosecondsPerExit)) })),
            "cost_ratio_most_to_fewest_vcpus": .number(curveRatio),
            "live": .object(["exits_per_second": .number(liveExitsPerSecond)]),
            "memory": .object(["bytes_per_idle_vcpu": .number(idleVCPUBytes)]),
            "spe_overhead_per_exit": .object([
                "wall_ns_per_exit_with_spe": .number(speOnNanosecondsPerExit),
                "wall_ns_per_exit_without_spe": .number(speOffNanosecondsPerExit), "ratio": .number(speOverheadPerExit),
            ]),
            "spe_overhead": .object([
                "wall_ns_per_virtual_ms_with_spe": .number(speOnWallPerVirtualMillisecond),
                "wall_ns_per_virtual_ms_without_spe": .number(speOffWallPerVirtualMillisecond), "ratio": .number(speOverhead),
            ]),
        ])
    }
}
