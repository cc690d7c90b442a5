import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// The latency kinds on the simulated platform, where the model defines them exactly: virtual
/// time moves only in guest periods, exit handling (`exitNanoseconds`, 500 ns: 300 fixed and 200
/// host operations), timers and waits, so each latency is a sum of those costs.
@Suite struct LatencyKindTests {
    /// The model's cost of one exit.
    static let exitCost: UInt64 = 500

    /// A guest that computes for ever with its virtual timer ticking every `period`: the timer
    /// fires while it is in the guest.
    struct TickingSpin: GuestWorkload {
        let period: UInt64
        var ticks = 0
        var armed = false
        mutating func nextSteps(now: UInt64) -> [GuestStep] {
            if armed { return [.operations(1_000_000)] }
            armed = true
            return [.armTimer(after: period), .operations(1_000_000)]
        }
        mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
            guard intid == INTID.virtualTimer.rawValue else { return [] }
            ticks += 1
            return [.armTimer(after: period)]
        }
    }

    static func run(
        cpus: Int = 1, hasSPE: Bool = true, vcpus: Int = 1, timeSlice: UInt64 = 50_000, budget: RunBudget? = nil,
        migrateEvery: UInt64? = nil, _ workload: @escaping @Sendable (Int) -> any GuestWorkload
    ) -> SimulatedRun.Result {
        var run = SimulatedRun(cpus: cpus, vms: [.init(hasSPE: hasSPE, vcpus: vcpus, workload: workload)], seed: 1,
            migrateEvery: migrateEvery)
        run.timeSlice = timeSlice
        run.budget = budget
        return run.run()
    }

    /// One idle VCPU alone on its CPU: every timer interrupt wakes it from WFI and it enters at
    /// once. The model charges nothing between a wake and the entry (the WFI exit's cost was paid
    /// before the VCPU blocked), so its timer, wakeup and runqueue latencies are exactly 0, one
    /// timer sample per timer interrupt taken. No exit re-enters without a block, so only those
    /// three kinds are recorded (and allocated).
    @Test func aLoneIdleVCPUWakesWithNoDelay() throws {
        let result = Self.run { _ in TimerWorkload(period: 10_000, periods: 10) }
        #expect(result.outcome == .finished)
        let figures = try #require(result.figures.vcpus.first)
        let taken = try #require(result.guests.first?.guest.interruptsTaken[INTID.virtualTimer.rawValue])
        #expect(taken == 10)
        #expect(figures.latency.kinds == [.wakeup, .timer, .runqueue])
        let timer = figures.latency.histogram(.timer)
        #expect(timer.count == UInt64(taken))
        #expect(timer.max == 0)
        #expect(figures.latency.histogram(.wakeup).count == 10)
        #expect(figures.latency.histogram(.wakeup).max == 0)
        // Created, then woken 10 times.
        #expect(figures.latency.histogram(.runqueue).count == 11)
        #expect(result.figures.latency == figures.latency)
    }

    /// A guest whose timer fires while it computes: the guest period ends at the deadline, the
    /// exit costs its 500 ns, and the guest takes the interrupt at re-entry. Every timer sample is
    /// exactly one exit's cost, and so is every exit → entry.
    @Test(arguments: [true, false])
    func aTimerFiringInTheGuestCostsOneExit(hasSPE: Bool) throws {
        let result = Self.run(hasSPE: hasSPE, timeSlice: 1_000_000, budget: .duration(1_000_000)) { _ in
            TickingSpin(period: 10_000)
        }
        #expect(result.outcome == .finished)
        let figures = try #require(result.figures.vcpus.first)
        let timer = figures.latency.histogram(.timer)
        let taken = UInt64(try #require(result.guests.first?.guest.interruptsTaken[INTID.virtualTimer.rawValue]))
        #expect(timer.count == taken)
        #expect(taken > 90)
        #expect(timer.min == Self.exitCost)
        #expect(timer.max == Self.exitCost)
        let exit = figures.latency.histogram(.exit)
        #expect(exit.min == Self.exitCost && exit.max == Self.exitCost)
        // Exit handling is split by the cost model: 100 ns of SPE world switch in a VM with SPE.
        let spe: UInt64 = hasSPE ? PhysicalCPU.speWorldSwitchNanoseconds : 0
        let speWork = figures.latency.histogram(.exitSPE)
        let rest = figures.latency.histogram(.exitRest)
        #expect(speWork.count == exit.count && rest.count == exit.count)
        #expect(speWork.min == spe && speWork.max == spe)
        #expect(rest.min == Self.exitCost - spe && rest.max == Self.exitCost - spe)
        // Every exit but the last re-entered (the run's end stops the VCPU at its last exit).
        #expect(exit.count + 1 == figures.exits.total)
    }

    /// Two idle VCPUs on one CPU whose timers expire together at 10 µs (the second entered
    /// 500 ns later at creation, waiting out the first's first exit, so its period is 500 ns
    /// shorter). The first wakes and enters at once. The second's timer wait is a job of its CPU
    /// (its host side lives there), so it runs only once the first's power-off exit has been
    /// handled: the virtual timer's injection and the wake happen then, at 10.5 µs. Its timer
    /// latency is those 500 ns; its wakeup and runqueue latencies are 0.
    @Test func aSecondVCPUWaitsOutTheFirstsExit() throws {
        let result = Self.run(vcpus: 2) { index in
            TimerWorkload(period: 10_000 - UInt64(index) * Self.exitCost, periods: 1)
        }
        #expect(result.outcome == .finished)
        let latency = result.figures.latency
        let timer = latency.histogram(.timer)
        #expect(timer.count == 2)
        #expect(timer.min == 0 && timer.max == Self.exitCost)
        #expect(latency.histogram(.wakeup).count == 2)
        #expect(latency.histogram(.wakeup).max == 0)
        // Created: 0 and 500 ns (the first's first exit); woken: 0 and 0.
        let runqueue = latency.histogram(.runqueue)
        #expect(runqueue.count == 4)
        #expect(runqueue.sum == Self.exitCost)
        // Per VCPU: the one that waited has it in its own figures, with when its wait ended.
        let second = try #require(result.figures.vcpus.last)
        let series = try #require(second.latency[.timer])
        #expect(series.histogram.max == Self.exitCost)
        #expect(series.maxEnd == 10_000 + Self.exitCost)
        #expect(series.maxStart == 10_000)
        #expect(series.last == Self.exitCost)
        #expect(result.figures.vcpus.first?.latency.histogram(.timer).max == 0)
    }

    /// The histogram of a hand-checked run, bucket by bucket. Four idle VCPUs share one CPU; VCPU
    /// k is created after the k before it have each taken their first exit (arming the timer, WFI:
    /// 500 ns each), so it arms at k × 500 ns; its period is 100 µs − k × 500 ns, so every timer
    /// expires at 100 µs. The CPU serves them in turn and each takes one exit (re-arm, WFI), so
    /// VCPU k's guest runs its handler k × 500 ns after the expiry: timer latency k × 500 ns. Its
    /// re-arm, 100 µs − k × 500 ns after that, brings every timer to the same instant again, so each
    /// of the 5 rounds repeats it: 5 samples each of 0, 500, 1,000 and 1,500 ns. In log-linear
    /// buckets (32 per power of two): 0 is exact; 500 is in [496, 503] (256…511 in steps of 8),
    /// 1,000 in [992, 1007] (steps of 16), 1,500 in [1472, 1503] (1,024…2,047 in steps of 32).
    @Test func aHandCheckedRunsTimerHistogramBucketByBucket() throws {
        let result = Self.run(vcpus: 4) { index in
            TimerWorkload(period: 100_000 - UInt64(index) * Self.exitCost, periods: 5)
        }
        #expect(result.outcome == .finished)
        let timer = result.figures.latency.histogram(.timer)
        let buckets = timer.buckets.map { [$0.range.lowerBound, $0.range.upperBound, $0.count] }
        #expect(buckets == [[0, 0, 5], [496, 503, 5], [992, 1007, 5], [1472, 1503, 5]])
        #expect(timer.count == 20)
        #expect(timer.min == 0)
        #expect(timer.max == 1_500)
        #expect(timer.sum == 5 * (0 + 500 + 1_000 + 1_500))
        #expect(timer.percentile(50) == 503)
        #expect(timer.percentile(99) == 1_500)
        // Per VCPU: VCPU k's five samples are all k × 500 ns.
        for (k, figures) in result.figures.vcpus.enumerated() {
            let own = figures.latency.histogram(.timer)
            #expect(own.count == 5 && own.min == UInt64(k) * Self.exitCost && own.max == UInt64(k) * Self.exitCost, "VCPU \(k)")
        }
    }

    /// The profiling guest's buffer fills: the hardware event ends the guest period (a `PMBIRQ`
    /// exit), the guest takes the virtual SPE interrupt at re-entry and its driver's trapped read
    /// of `PMBSR_EL1` is a second exit: it sees `S` back in the guest two exits after the event.
    @Test func theDriverSeesSTwoExitsAfterTheHardwareEvent() throws {
        let result = Self.run(timeSlice: 10_000_000) { index in
            ProfileWorkload(base: ScenarioRun.bufferBase(vcpu: index), size: 4096, chunks: 20)
        }
        #expect(result.outcome == .finished)
        #expect(result.violations.isEmpty && result.runtimeViolations.isEmpty)
        let figures = try #require(result.figures.vcpus.first)
        let spe = figures.latency.histogram(.speIRQ)
        #expect(figures.drivers.interrupts > 0)
        #expect(spe.count == figures.drivers.interrupts)
        #expect(spe.min == 2 * Self.exitCost)
        #expect(spe.max == 2 * Self.exitCost)
    }

    /// The migrator kicks a VCPU out of the guest: the kick SGI cuts the guest period short at
    /// once, so on the simulated platform the VCPU has exited the moment the kick is sent. One
    /// sample per kick the host took.
    @Test func aKickEndsTheGuestPeriodAtOnce() throws {
        let result = Self.run(cpus: 2, vcpus: 1, timeSlice: 10_000_000, budget: .duration(2_000_000), migrateEvery: 100_000) {
            _ in RunBudgetTests.SpinWorkload()
        }
        #expect(result.outcome == .finished)
        let kick = result.figures.latency.histogram(.kick)
        let taken = result.figures.physicalInterrupts[INTID.kick.rawValue] ?? 0
        #expect(taken > 5)
        #expect(kick.count == taken)
        #expect(kick.max == 0)
    }

    /// The same scenario and seed give the same latencies, kind by kind.
    @Test func latenciesAreDeterministic() {
        let a = RunBudgetTests.timerRun(seed: 9, budget: .exits(3_000))
        let b = RunBudgetTests.timerRun(seed: 9, budget: .exits(3_000))
        #expect(a.figures.latency == b.figures.latency)
        #expect(a.figures.vcpus.map(\.latency) == b.figures.vcpus.map(\.latency))
        #expect(a.figures.latency.kinds.contains(.timer))
    }

    /// The run's figures are the VCPUs' merged.
    @Test func theRunsLatenciesAreTheVCPUsMerged() {
        let result = RunBudgetTests.timerRun(seed: 5, budget: .exits(3_000))
        var merged = LatencyFigures()
        for vcpu in result.figures.vcpus { merged.merge(vcpu.latency) }
        for kind in LatencyKind.allCases {
            #expect(merged.histogram(kind) == result.figures.latency.histogram(kind), "\(kind)")
        }
    }
}
