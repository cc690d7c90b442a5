import Testing

@testable import VCPURuntime

/// The host scheduler's placement: back to the preferred CPU unless it is busier than the lightest
/// allowed CPU by more than the tolerated imbalance; never outside the allowed CPUs.
@Suite struct SchedulerTests {
    @Test func preferredCPUWhileBalanced() {
        let scheduler = HostScheduler(cpus: 3)
        #expect(scheduler.place(preferred: 1, allowed: [0, 1, 2]) == 1)
        #expect(scheduler.place(preferred: 1, allowed: [0, 1, 2]) == 1)  // 1 vs 0: within the imbalance
        #expect(scheduler.load == [0, 2, 0])
        #expect(scheduler.balancingMoves == 0)
    }

    @Test func busyPreferredCPUSendsTheVCPUToTheLightest() {
        let scheduler = HostScheduler(cpus: 3)
        _ = scheduler.place(preferred: 1, allowed: [0, 1, 2])
        _ = scheduler.place(preferred: 1, allowed: [0, 1, 2])
        // cpu1 has 2, cpu0 has 0: 2 > 0 + 1, so the lightest (lowest index on a tie) is taken.
        #expect(scheduler.place(preferred: 1, allowed: [0, 1, 2]) == 0)
        #expect(scheduler.place(preferred: 1, allowed: [0, 1, 2]) == 2)
        #expect(scheduler.load == [1, 2, 1])
        #expect(scheduler.balancingMoves == 2)
    }

    @Test func aForcedMoveIgnoresTheLoads() {
        let scheduler = HostScheduler(cpus: 2)
        for _ in 0..<4 { _ = scheduler.place(preferred: 0, allowed: [0, 1], forced: true) }
        #expect(scheduler.load == [4, 0])
        #expect(scheduler.balancingMoves == 0)
    }

    @Test func neverOutsideTheAllowedCPUs() {
        let scheduler = HostScheduler(cpus: 4)
        for _ in 0..<6 { _ = scheduler.place(preferred: 3, allowed: [2, 3]) }
        // The preferred CPU outside the allowed ones is never taken, even forced.
        #expect(scheduler.place(preferred: 0, allowed: [2, 3], forced: true) == 2)
        #expect(scheduler.load == [0, 0, 3, 4])
    }

    @Test func leavingFreesTheCPUAndWaitersAreSeen() {
        let scheduler = HostScheduler(cpus: 2)
        _ = scheduler.place(preferred: 0, allowed: [0, 1])
        #expect(!scheduler.hasWaiters(cpu: 0))
        _ = scheduler.place(preferred: 0, allowed: [0, 1])
        #expect(scheduler.hasWaiters(cpu: 0))
        scheduler.left(0)
        #expect(!scheduler.hasWaiters(cpu: 0))
        #expect(scheduler.load == [1, 0])
    }
}
