import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// The guest driver's options (``GuestDriverStyle``, ``GuestSampling``), the VMM's hidden
/// `PMSIDR_EL1` features and the host's work per exit: the steps the driver takes, and what runs
/// with them count.
@Suite struct GuestDriverOptionsTests {
    static let base = GuestWorkloadTests.base

    /// `PMBLIMITR_EL1` of a 16 KiB buffer at `base`, enabled or not, in `mode`.
    static func limit(enabled: Bool, mode: BufferFillMode = .fill) -> UInt64 {
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base + 16_384) >> 12
        limit.FM = mode
        limit.E = enabled
        return limit.rawValue
    }

    static let programmed: [GuestStep] = {
        var scr = PMSCR_EL1(rawValue: 0)
        scr.E0SPE = true
        scr.E1SPE = true
        scr.CX = true
        scr.TS = true
        return [.map(base..<(base + 16_384)), .access(.PMSCR_EL1, write: scr.rawValue), .access(.PMSIRR_EL1, write: 0x100)]
    }()

    /// One chunk that fills the buffer, serviced, then the driver stops.
    static func serviceLog(_ style: GuestDriverStyle) -> [GuestStep] {
        var harness = GuestHarness(ProfileWorkload(base: base, chunks: 1, style: style))
        harness.spePeriod = 20_000
        let poweredOff = harness.run()
        #expect(poweredOff)
        return harness.log
    }

    @Test func theDEN0154DriverDisablesBeforeItWritesPointerOrSyndrome() {
        #expect(Self.serviceLog(.den0154) == [.access(.PMBIDR_EL1, write: nil)] + Self.programmed + [
            .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true)),
            .operations(20_000),
            .access(.PMBSR_EL1, write: nil), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: false)),
            .access(.PMBPTR_EL1, write: nil), .consumeBuffer, .access(.PMBSR_EL1, write: 0),
            .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true)),
            .endOfInterrupt(21),
            .access(.PMBLIMITR_EL1, write: Self.limit(enabled: false)),
        ])
    }

    @Test func theLegacyDriverSetsEWithSStillSetAndClearsSLast() {
        #expect(Self.serviceLog(.legacy) == [.access(.PMBIDR_EL1, write: nil)] + Self.programmed + [
            .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true)),
            .operations(20_000),
            .access(.PMBSR_EL1, write: nil), .access(.PMBPTR_EL1, write: nil), .consumeBuffer,
            .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true)),
            .access(.PMBSR_EL1, write: 0),
            .endOfInterrupt(21),
            .access(.PMBLIMITR_EL1, write: Self.limit(enabled: false)),
        ])
    }

    /// A driver that wants a type filter reads `PMSIDR_EL1` and filters only where `FT` is shown.
    @Test(arguments: [GuestSampling.loads, .stores, .branches], [true, false])
    func aFilteringDriverUsesTheFilterOnlyWhereFTIsShown(sampling: GuestSampling, shown: Bool) {
        var harness = GuestHarness(ProfileWorkload(base: Self.base, chunks: 1, sampling: sampling))
        var pmsidr = SPEIdentification.modelDefault.PMSIDR
        pmsidr.FT = shown
        harness.pmsidr = pmsidr.rawValue
        let poweredOff = harness.run()
        #expect(poweredOff)
        var fcr = PMSFCR_EL1(rawValue: 0)
        fcr.FT = true
        fcr.LD = sampling == .loads
        fcr.ST = sampling == .stores
        fcr.B = sampling == .branches
        let filter: [GuestStep] = shown ? [.access(.PMSFCR_EL1, write: fcr.rawValue)] : []
        #expect(harness.log == [.access(.PMBIDR_EL1, write: nil), .access(.PMSIDR_EL1, write: nil)] + Self.programmed
            + filter + [
                .access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true)),
                .operations(20_000), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: false)),
            ])
        #expect(harness.workload.filterControl == (shown ? fcr.rawValue : 0))
    }

    @Test func aDiscardingDriverProgramsDiscardMode() {
        var harness = GuestHarness(ProfileWorkload(base: Self.base, chunks: 1, sampling: .discard))
        let poweredOff = harness.run()
        #expect(poweredOff)
        #expect(harness.log == [.access(.PMBIDR_EL1, write: nil)] + Self.programmed + [
            .access(.PMBPTR_EL1, write: Self.base),
            .access(.PMBLIMITR_EL1, write: Self.limit(enabled: true, mode: .discard)),
            .operations(20_000), .access(.PMBLIMITR_EL1, write: Self.limit(enabled: false, mode: .discard)),
        ])
    }

    // MARK: Runs

    /// 3 VCPUs of `profile`, 10 chunks each, on 2 CPUs with the migrator, as
    /// `GuestWorkloadTests.profileServicesBuffersWithinTheVMMsMaximum`: 778 samples per VCPU, 3
    /// full 16 KiB buffers serviced (768 records).
    static func profileRun(_ configure: (inout VMScenario) -> Void = { _ in }, hostPerf: Bool = false) -> RunResult {
        var vm = VMScenario(vcpus: 3, workload: .profile)
        configure(&vm)
        var scenario = Scenario(cpus: 2, vms: [vm], budget: .duration(10_000_000_000))
        scenario.seed = 3
        scenario.migrateEvery = 30_000
        scenario.timeSlice = 100_000
        scenario.hostPerf = hostPerf
        scenario.guestIterations = 10
        return ScenarioRun(scenario: scenario, platform: .sim).run()
    }

    static func expectClean(_ result: RunResult) {
        #expect(result.outcome == .finished)
        #expect(result.violations.map(\.description) == [])
        #expect(result.runtimeViolations.map(\.description) == [])
        #expect(result.escapedJobs == 0)
    }

    /// The legacy driver services the same buffers, and KVM counts its two writes made with `E`
    /// set (`PMBPTR_EL1`, then `PMBSR_EL1`) per interrupt; DEN0154's driver makes none.
    @Test func legacyDriverOrderIsCountedAndChangesNothingElse() {
        let den0154 = Self.profileRun()
        let legacy = Self.profileRun { $0.driverStyle = .legacy }
        for result in [den0154, legacy] {
            Self.expectClean(result)
            #expect(result.drivers.interrupts == 9)
            #expect(result.drivers.recordsConsumed == 3 * 768)
        }
        #expect(den0154.kvm.driverOrderViolations == 0)
        #expect(legacy.kvm.driverOrderViolations == 2 * 9)
    }

    /// In discard mode every sample is dropped as discarded: nothing written, no interrupt.
    @Test func discardModeDropsEverySampleAndNeverFills() {
        let result = Self.profileRun { $0.sampling = .discard }
        Self.expectClean(result)
        #expect(result.unit.sampled == 3 * 778)
        #expect(result.unit.written == 0)
        #expect(result.unit.bytesWritten == 0)
        #expect(result.unit.dropped == [.discarded: 3 * 778])
        #expect(result.drivers.interrupts == 0)
        #expect(result.unit.managementEvents == 0)
    }

    /// A type filter drops the other operations as filtered, counted; with `FT` hidden from the VM
    /// the driver filters nothing (and uses no hidden feature).
    @Test(arguments: [GuestSampling.loads, .stores, .branches])
    func aFilterDropsTheRestAsFiltered(sampling: GuestSampling) {
        let filtered = Self.profileRun { $0.sampling = sampling }
        Self.expectClean(filtered)
        let dropped = filtered.unit.dropped[.filtered] ?? 0
        #expect(dropped > 0)
        #expect(filtered.unit.written > 0)
        #expect(filtered.unit.sampled == filtered.unit.written + filtered.unit.droppedTotal + filtered.unit.inFlight)
        #expect(filtered.kvm.hiddenFeatureInUse == 0)

        let hidden = Self.profileRun {
            $0.sampling = sampling
            $0.hiddenFeatures = [.FT]
        }
        Self.expectClean(hidden)
        #expect(hidden.unit.dropped[.filtered] == nil)
        #expect(hidden.unit.sampled == 3 * 778)
        #expect(hidden.drivers.recordsConsumed == 3 * 768)
    }

    /// The host's work per exit is the exit's cost on the simulated platform: 300 ns and 1 ns per
    /// operation, so a lone trap-storm VCPU's every exit latency is exactly that.
    @Test(arguments: [0, 200, 5_000] as [UInt64])
    func hostWorkIsTheExitsCost(operations: UInt64) throws {
        var scenario = Scenario(cpus: 1, vms: [VMScenario(vcpus: 1, workload: .trapStorm)], budget: .exits(100))
        scenario.migrateEvery = nil
        scenario.hostOperationsPerExit = operations
        let result = ScenarioRun(scenario: scenario, platform: .sim).run()
        #expect(result.violations.map(\.description) == [])
        let exit = result.latency.histogram(.exit)
        #expect(exit.count >= 99)
        #expect(exit.min == 300 + operations)
        #expect(exit.max == 300 + operations)
    }
}
