import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// The guest driver's side of the `guest-misprogram` fault and its recovery after a fault, driven
/// by hand: which registers it writes, in which order, and what it counts.
@Suite struct GuestMisprogramTests {
    static let base: UInt64 = 0x8000_0000

    /// `PMBLIMITR_EL1` for `[base, limit)`, enabled or not.
    static func limitr(_ limit: UInt64, enabled: Bool) -> UInt64 {
        var register = PMBLIMITR_EL1(rawValue: 0)
        register.LIMIT = limit >> 12
        register.E = enabled
        return register.rawValue
    }

    /// The register accesses among `steps`, in order.
    static func accesses(_ steps: [GuestStep]) -> [(SPERegisterID, UInt64?)] {
        steps.compactMap { if case .access(let register, let value) = $0 { (register, value) } else { nil } }
    }

    /// Completes every access of `steps` in order (writes taken, reads of 0) and returns the steps
    /// the completions asked for.
    static func complete(_ steps: [GuestStep], _ workload: inout ProfileWorkload) -> [GuestStep] {
        var more: [GuestStep] = []
        for (register, value) in accesses(steps) {
            more += workload.completed(register, value == nil ? .read(0) : .wrote)
        }
        return more
    }

    /// A driver that has probed `PMBIDR_EL1` (`maxBuffSize` bytes, 0: none) and enabled its buffer.
    static func profiling(maxBuffSize: UInt64 = 0) throws -> ProfileWorkload {
        var workload = ProfileWorkload(base: base, chunks: nil)
        let start = workload.nextSteps(now: 0)
        #expect(accesses(start).map(\.0) == [.PMBIDR_EL1])
        var pmbidr = PMBIDR_EL1(rawValue: 0)
        pmbidr.MaxBuffSize = try MaxBufferSize(bytes: maxBuffSize).field
        let programming = workload.completed(.PMBIDR_EL1, .read(pmbidr.rawValue))
        #expect(complete(programming, &workload) == [])
        #expect(workload.isProfiling)
        return workload
    }

    /// The driver's handler for a syndrome: the steps after its `PMBSR_EL1` read.
    static func service(_ syndrome: UInt64, _ workload: inout ProfileWorkload) -> [GuestStep] {
        let handler = workload.handle(interrupt: 21, now: 0)
        #expect(handler == [.access(.PMBSR_EL1, write: nil)])
        return workload.completed(.PMBSR_EL1, .read(syndrome))
    }

    @Test(arguments: [
        (GuestMisprogram.misaligned, UInt64(0), base + 32, base + 16 * 1024),
        (.oversized, 8192, base, base + 8192 + 4096),
        (.oversized, 0, base + 32, base + 16 * 1024),
        (.unmapped, 0, base + 16 * 1024, base + 16 * 1024 + 4096),
    ])
    func theNextEnableProgramsTheBadBuffer(kind: GuestMisprogram, maxBuffSize: UInt64, pointer: UInt64, limit: UInt64)
        throws
    {
        var workload = try Self.profiling(maxBuffSize: maxBuffSize)
        let taken = workload.misprogram(kind)
        #expect(taken)
        let steps = Self.service(0x20001, &workload)
        let good = Self.limitr(Self.base + workload.bufferSize, enabled: false)
        // DEN0154's order: disabled before the pointer is written, enabled last.
        #expect(Self.accesses(steps).map(\.0) == [.PMBLIMITR_EL1, .PMBPTR_EL1, .PMBSR_EL1, .PMBPTR_EL1, .PMBLIMITR_EL1])
        #expect(Self.accesses(steps).map(\.1) == [good, nil, 0, pointer, Self.limitr(limit, enabled: true)])
        #expect(steps.contains(.consumeBuffer))
        // Counted when the enabling write completes (the disabling write before it does not count).
        #expect(workload.misprogrammed == 0)
        #expect(Self.complete(steps, &workload) == [])
        #expect(workload.misprogrammed == 1)
        #expect(workload.driverFigures.misprogrammed == 1)
        // KVM refused it; the driver services that event and programs its own buffer again.
        let again = Self.service(0x20001, &workload)
        #expect(Self.accesses(again).suffix(2).map(\.1) == [Self.base, Self.limitr(Self.base + workload.bufferSize, enabled: true)])
        #expect(Self.complete(again, &workload) == [])
        #expect(workload.misprogrammed == 1)
    }

    @Test func aFaultStopsProfilingUntilTheNextChunk() throws {
        var workload = try Self.profiling()
        let enabled = Self.limitr(Self.base + workload.bufferSize, enabled: true)
        let disabled = Self.limitr(Self.base + workload.bufferSize, enabled: false)
        // An external abort: reported, and the buffer is left disabled, pointing at its base.
        let steps = Self.service(0x9006_0010, &workload)
        #expect(Self.accesses(steps).map(\.1) == [disabled, nil, 0, Self.base])
        #expect(workload.faults == 1)
        #expect(workload.limitWritten == disabled)
        _ = Self.complete(steps, &workload)
        // The next chunk starts it again first.
        let chunk = workload.nextSteps(now: 0)
        #expect(chunk == [.access(.PMBPTR_EL1, write: Self.base), .access(.PMBLIMITR_EL1, write: enabled), .operations(20_000)])
        #expect(workload.limitWritten == enabled)
        let next = workload.nextSteps(now: 0)
        #expect(next == [.operations(20_000)])
        #expect(workload.faults == 1)
    }

    @Test func onlyAProfilingDriverTakesAMisprogramming() throws {
        var unprobed = ProfileWorkload(base: Self.base, chunks: nil)
        var noSPE = ProfileWorkload(base: Self.base, chunks: nil, hasSPE: false)
        _ = noSPE.nextSteps(now: 0)
        var timer = TimerWorkload(period: 1000)
        var mixed = MixedWorkload(base: Self.base, hasSPE: true, seed: 1, timerPeriod: 1000)
        var finished = try Self.profiling()
        _ = finished.stopSteps()
        let taken = [
            unprobed.misprogram(.misaligned), noSPE.misprogram(.misaligned), timer.misprogram(.unmapped),
            mixed.misprogram(.unmapped), finished.misprogram(.misaligned),
        ]
        #expect(taken == [false, false, false, false, false])
    }
}
