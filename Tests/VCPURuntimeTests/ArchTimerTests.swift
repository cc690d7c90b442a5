import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// The arm64 KVM selftest `arch_timer`, in the model: VCPUs arm periodic virtual timers and block in
/// WFI while a migrator moves them between CPUs; each takes exactly the expected timer interrupts.
@Suite struct ArchTimerTests {
    static func timerRun(seed: UInt64, vcpus: Int = 4, cpus: Int = 2, periods: Int = 50, migrateEvery: UInt64? = 7_000)
        -> SimulatedRun.Result
    {
        var run = SimulatedRun(
            cpus: cpus, vms: [.init(vcpus: vcpus) { _ in TimerWorkload(period: 10_000, periods: periods) }],
            seed: seed, migrateEvery: migrateEvery)
        run.timeSlice = 50_000
        return run.run()
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyVCPUTakesExactlyItsTimerInterrupts(seed: UInt64) throws {
        let result = Self.timerRun(seed: seed)
        #expect(result.outcome == .finished)
        #expect(result.escapedJobs == 0)
        #expect(result.violations.map(\.description) == [])
        #expect(result.guests.count == 4)
        for (id, guest) in result.guests {
            let workload = try #require(guest.workload as? TimerWorkload)
            #expect(workload.interrupts == 50, "\(id)")
            #expect(workload.otherInterrupts == 0, "\(id)")
            #expect(guest.interruptsTaken == [INTID.virtualTimer.rawValue: 50], "\(id)")
        }
        #expect(result.migrations > 10)
        #expect(result.exits[.wfi] >= 200)
    }

    @Test func sameSeedSameRunDifferentSeedsDifferentInterleavings() {
        let a = Self.timerRun(seed: 11)
        let b = Self.timerRun(seed: 11)
        #expect(a.decisions == b.decisions)
        #expect(a.exits == b.exits)
        #expect(a.endTime == b.endTime)
        let interleavings = Set((20..<30).map { Self.timerRun(seed: UInt64($0)).decisions })
        #expect(interleavings.count == 10)
    }
}
