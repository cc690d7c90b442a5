import Testing

@testable import spe_vm

/// `spe-vm bench`'s figures: the ratios it derives and the shape of its reports, from constructed
/// figures (the measurements themselves are wall-clock and never asserted).
@Suite struct BenchFiguresTests {
    static var figures: BenchFigures {
        var figures = BenchFigures()
        figures.simulatedRoundTrip = 50
        figures.simulatedExitsPerSecond = 1_000_000
        figures.curve = [.init(vcpus: 8, nanosecondsPerExit: 800), .init(vcpus: 1024, nanosecondsPerExit: 1000)]
        figures.speOnWallPerVirtualMillisecond = 3000
        figures.speOffWallPerVirtualMillisecond = 2000
        figures.idleVCPUBytes = 16 * 1024
        figures.speOnNanosecondsPerExit = 1_300
        figures.speOffNanosecondsPerExit = 1_000
        return figures
    }

    @Test func ratiosAgainstTheirTargets() {
        let figures = Self.figures
        #expect(figures.simulatedNanosecondsPerExit == 1000)
        #expect(figures.exitOverRoundTrip == 20)
        #expect(figures.curveRatio == 1.25)
        #expect(figures.speOverhead == 1.5)
        #expect(figures.speOverheadPerExit == 1.3)
        #expect(BenchFigures().speOverheadPerExit == 0)
        #expect(BenchFigures().exitOverRoundTrip == 0)
        #expect(BenchFigures().curveRatio == 0)
    }

    @Test func theReportsNameEveryFigureAndItsTarget() {
        let text = Self.figures.text
        #expect(text.contains("1024 VCPUs / 8 VCPUs                   1.25× (target ≤ 1.25×)"))
        #expect(text.contains("per exit / actor round trip            20.00× (target ≤ 20×)"))
        #expect(text.contains("per idle VCPU                          16.0 KiB (target ≤ 32 KiB)"))
        #expect(text.contains("with / without                         1.50×"))
        #expect(text.contains("SPE overhead per exit (idle, 8 VCPUs, 2 CPUs, simulated; wall time per exit)\n"
            + "  with SPE                               1300 ns\n  without SPE                            1000 ns\n"
            + "  with / without                         1.30×"))
        guard case .object(let json) = Self.figures.json else {
            Issue.record("bench --json is not an object")
            return
        }
        #expect(Set(json.keys) == [
            "primitives_ns", "simulated", "cost_per_exit_ns", "cost_ratio_most_to_fewest_vcpus", "live", "memory", "spe_overhead",
            "spe_overhead_per_exit",
        ])
        #expect(json["spe_overhead_per_exit"] == .object([
            "wall_ns_per_exit_with_spe": .number(1_300), "wall_ns_per_exit_without_spe": .number(1_000), "ratio": .number(1.3),
        ]))
        #expect(json["cost_per_exit_ns"] == .object(["vcpus_8": .number(800), "vcpus_1024": .number(1000)]))
    }
}
