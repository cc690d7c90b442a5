import HostIRQ
import Testing

@testable import VCPURuntime

/// A run's end: an exit budget or a duration stops guests that would run for ever; the host
/// scheduler's runnable → in-guest latency is measured at every entry after a VCPU became runnable.
@Suite struct RunBudgetTests {
    /// A guest that computes for ever.
    struct SpinWorkload: GuestWorkload {
        mutating func nextSteps(now: UInt64) -> [GuestStep] { [.operations(100_000)] }
        mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] { [] }
    }

    static func timerRun(seed: UInt64, budget: RunBudget) -> SimulatedRun.Result {
        var run = SimulatedRun(
            cpus: 2,
            vms: [
                .init(vcpus: 3) { _ in TimerWorkload(period: 10_000, periods: .max) },
                .init(hasSPE: false, vcpus: 2) { _ in TimerWorkload(period: 7_000, periods: .max) },
            ],
            seed: seed, migrateEvery: 20_000)
        run.timeSlice = 50_000
        run.budget = budget
        return run.run()
    }

    @Test func anExitBudgetStopsGuestsThatRunForEver() {
        let result = Self.timerRun(seed: 3, budget: .exits(5_000))
        #expect(result.outcome == .finished)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        // Every VCPU stopped and handed its guest back; exits in flight when the budget ran out
        // complete, at most one per VCPU.
        #expect(result.guests.count == 5)
        #expect((5_000...5_005).contains(result.exits.total))
        #expect(result.figures.vcpus.reduce(0) { $0 + $1.exits.total } == result.exits.total)
        let again = Self.timerRun(seed: 3, budget: .exits(5_000))
        #expect(again.exits == result.exits)
        #expect(again.decisions == result.decisions)
    }

    @Test func aDurationEndsTheRunOnTime() {
        let result = Self.timerRun(seed: 4, budget: .duration(2_000_000))
        #expect(result.outcome == .finished)
        #expect(result.guests.count == 5)
        // The end is seen at once by blocked VCPUs and at the next exit by running ones.
        #expect(result.endTime >= 2_000_000)
        #expect(result.endTime < 2_000_000 + 50_000)
        #expect(result.violations.isEmpty && result.runtimeViolations.isEmpty)
    }

    /// A guest that arms its timer to fire at once and waits: the interrupt becomes pending while
    /// the VCPU is in the guest, before any list register holds it. Its WFI traps, KVM finds the
    /// interrupt pending and re-enters at once, and the guest takes it: one WFI exit, no tick.
    /// (The guest once spun for ever on a WFI that neither trapped nor could take the interrupt.)
    @Test func aWFIWithAnInterruptNotYetListedTrapsAndReEnters() throws {
        struct ImmediateTimer: GuestWorkload {
            var taken = 0
            var armed = false
            mutating func nextSteps(now: UInt64) -> [GuestStep] {
                if taken > 0 { return [] }
                if armed { return [.waitForInterrupt] }
                armed = true
                return [.armTimer(after: 0), .waitForInterrupt]
            }
            mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
                taken += 1
                return [.armTimer(after: UInt64.max / 2)]
            }
        }
        let result = SimulatedRun(cpus: 1, vms: [.init(hasSPE: false, vcpus: 1) { _ in ImmediateTimer() }], seed: 1).run()
        #expect(result.outcome == .finished)
        let guest = try #require(result.guests.first?.guest.workload as? ImmediateTimer)
        #expect(guest.taken == 1)
        #expect(result.exits[.wfi] == 1)
        #expect(result.exits[.preemption] == 0)
    }

    /// One VCPU alone on its CPU enters the guest the moment it is runnable: its latency is 0 at
    /// creation and at each of its 10 timer wake-ups.
    @Test func aLoneVCPUWaitsForNothing() throws {
        var run = SimulatedRun(cpus: 1, vms: [.init(vcpus: 1) { _ in TimerWorkload(period: 10_000, periods: 10) }], seed: 1)
        run.timeSlice = 50_000
        let result = run.run()
        let latency = try #require(result.figures.vcpus.first?.schedulingLatency)
        #expect(latency.count == 11)
        #expect(latency.max == 0)
        #expect(result.figures.schedulingLatency == latency)
    }

    /// Two VCPUs that never block share one CPU: each waits out the other's 50 µs slice and its
    /// preemption exit (500 ns).
    @Test func overCommittedVCPUsWaitOneSliceEach() throws {
        var run = SimulatedRun(cpus: 1, vms: [.init(hasSPE: false, vcpus: 2) { _ in SpinWorkload() }], seed: 1)
        run.timeSlice = 50_000
        run.budget = .duration(1_000_000)
        let result = run.run()
        #expect(result.outcome == .finished)
        let latency = result.figures.schedulingLatency
        #expect(latency.min == 0)
        #expect(latency.max == 50_500)
        #expect(latency.percentile(50) == 50_500)
        let slices = result.figures.vcpus.map(\.switches)
        #expect(slices[0] + slices[1] == latency.count)
    }
}
