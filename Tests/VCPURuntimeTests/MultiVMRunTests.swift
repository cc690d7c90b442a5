import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// Several VMs over-committed on fewer CPUs, migrating, with the host profiling itself on every CPU;
/// the profiling VM's SPU is CPUs 0 and 1 of 3.
@Suite struct MultiVMRunTests {
    static func mixedRun(seed: UInt64, runtimeMutation: RuntimeMutation? = nil) -> SimulatedRun.Result {
        var run = SimulatedRun(
            cpus: 3,
            vms: [
                .init(vcpus: 3, spu: [0, 1]) { index in
                    ProfileWorkload(base: 0x8000_0000 + UInt64(index) * 0x10_0000, size: 16 * 1024, chunk: 20_000, chunks: 40)
                },
                .init(hasSPE: false, vcpus: 1) { _ in TimerWorkload(period: 25_000, periods: 20) },
            ],
            seed: seed, migrateEvery: 30_000)
        run.timeSlice = 100_000
        run.hostPerf = true
        run.runtimeMutation = runtimeMutation
        run.timeLimit = 100_000_000
        return run.run()
    }

    @Test(arguments: [5, 6] as [UInt64])
    func exactCountsWithMigrationAndHostSessions(seed: UInt64) throws {
        let result = Self.mixedRun(seed: seed)
        #expect(result.outcome == .finished)
        #expect(result.escapedJobs == 0)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        // The migrator moves a VCPU at most every 30 µs (later when its CPU is busy) until the end.
        #expect(result.migrations >= 8)
        #expect(UInt64(result.migrations) <= result.endTime / 30_000)
        for (id, guest) in result.guests where id.vm == 0 {
            let profile = try #require(guest.workload as? ProfileWorkload)
            // 40 chunks of 20,000 operations, a sample every 257: 3,112 samples, 256 records per
            // 16 KiB buffer: 12 full buffers, each serviced by the driver.
            #expect(profile.speInterrupts == 12, "\(id)")
            #expect(profile.recordsConsumed == 12 * 256, "\(id)")
            #expect(profile.truncatedRecords == 0, "\(id)")
            #expect(profile.lastSyndrome == 0x20001, "\(id)")
            #expect(guest.interruptsTaken == [21: 12], "\(id)")
        }
        let timer = try #require(result.guests.first { $0.id.vm == 1 }?.guest.workload as? TimerWorkload)
        #expect(timer.interrupts == 20)
        // One maintenance exit per SPE interrupt: its level has no hardware link.
        #expect(result.exits[.maintenance] == 36)
        #expect(result.figures.virtualInterrupts.maintenanceExits == 36)
        for vcpu in result.figures.vcpus where vcpu.id.vm == 0 {
            #expect(vcpu.exits[.maintenance] == 12, "\(vcpu.id)")
        }
    }

    @Test func seedsGiveDifferentInterleavingsAndTheSameSeedTheSameRun() {
        let a = Self.mixedRun(seed: 40)
        let b = Self.mixedRun(seed: 40)
        #expect(a.decisions == b.decisions)
        #expect(a.exits == b.exits)
        #expect(a.eventsChecked == b.eventsChecked)
        let runs = (41..<47).map { Self.mixedRun(seed: UInt64($0)) }
        #expect(Set(runs.map(\.decisions)).count == 6)
        #expect(runs.allSatisfy { $0.escapedJobs == 0 && $0.violations.isEmpty })
    }
}
