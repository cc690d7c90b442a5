import SPEDevice
import Testing

@testable import VCPURuntime

/// The arm64 KVM selftest `rseq_test`, in the model: a migrator races a VCPU that exits all the
/// time. The guest writes a fresh value to a trapped register (`PMBPTR_EL1`, kept in memory by KVM)
/// and to a direct one (`PMSLATFR_EL1`, in hardware while the VCPU is loaded, saved at put and
/// restored at load), then reads both back: every value must survive every move.
@Suite struct RseqTests {
    /// The echo guest: for k = 1, 2, …: write both registers, read both back, compare.
    struct EchoWorkload: GuestWorkload {
        var k: UInt64 = 0
        var iterations: UInt64
        var checked: UInt64 = 0
        var mismatches: [String] = []

        func pointer(_ k: UInt64) -> UInt64 { 0x4000_0000 + k * 64 }
        /// `PMSLATFR_EL1.MINLAT` is 12 bits.
        func latency(_ k: UInt64) -> UInt64 { k % 4096 }

        mutating func nextSteps(now: UInt64) -> [GuestStep] {
            guard k < iterations else { return [] }
            k += 1
            return [
                .access(.PMBPTR_EL1, write: pointer(k)), .access(.PMSLATFR_EL1, write: latency(k)),
                .access(.PMBPTR_EL1, write: nil), .access(.PMSLATFR_EL1, write: nil),
            ]
        }

        mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] { [] }

        mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
            guard case .read(let value) = result else { return [] }
            let expected = register == .PMBPTR_EL1 ? pointer(k) : latency(k)
            checked += 1
            if value != expected { mismatches.append("\(register) read \(value), wrote \(expected) (k = \(k))") }
            return []
        }
    }

    static func echoRun(seed: UInt64) -> SimulatedRun.Result {
        var run = SimulatedRun(cpus: 2, vms: [.init(vcpus: 1) { _ in EchoWorkload(iterations: 5_000) }], seed: seed,
            migrateEvery: 2_000)
        run.timeSlice = 100_000
        return run.run()
    }

    @Test(arguments: [1, 2] as [UInt64])
    func everyRegisterSurvivesEveryMove(seed: UInt64) throws {
        let result = Self.echoRun(seed: seed)
        #expect(result.outcome == .finished)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        let echo = try #require(result.guests.first?.guest.workload as? EchoWorkload)
        #expect(echo.mismatches == [])
        #expect(echo.checked == 10_000)
        let vcpu = try #require(result.figures.vcpus.first)
        // Two trapped accesses per iteration exit; the direct ones do not.
        #expect(vcpu.exits[.sysreg] == 10_000)
        // At least 10,000 entries complete, and the migrator moved the VCPU at least 1,000 times.
        #expect(vcpu.entries >= 10_000)
        #expect(vcpu.moves >= 1_000)
        #expect(result.migrations >= 1_000)
    }
}
