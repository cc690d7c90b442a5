import Testing
@testable import SPEDevice

/// A filter hidden from the VM by PMSIDR_EL1 still works in hardware, since PMSFCR_EL1 is not trapped.
@Suite struct HiddenFilterTests {
    @Test func hiddenFnEIsUsedDirectlyAndCounted() throws {
        var (wb, v) = try Bench.make(hidden: [.FnE])
        try wb.programBuffer(v, base: Bench.base, size: 0x4000)
        let sidr = PMSIDR_EL1(rawValue: try wb.read(v, .PMSIDR_EL1))
        #expect(!sidr.FnE)
        #expect(sidr.FE && sidr.FT && sidr.FL)
        let trapped = wb.vcpus[v].spe.counters.trappedWrites
        var fcr = PMSFCR_EL1(rawValue: 0)
        fcr.FnE = true
        #expect(try wb.access(v, .PMSFCR_EL1, write: fcr.rawValue) == .written)
        #expect(try wb.access(v, .PMSNEVFR_EL1, write: 1 << 3) == .written)
        #expect(wb.vcpus[v].spe.counters.trappedWrites == trapped)  // direct: no trap
        #expect(try wb.access(v, .PMSFCR_EL1) == .read(fcr.rawValue))
        #expect(wb.vcpus[v].spe.counters.hiddenFeatureInUse == 0)

        let program = SPEUnitTests.parityProgram(
            even: SPEUnitTests.op(events: [.retired, .l1dRefill]), odd: SPEUnitTests.op(events: [.retired]))
        try wb.run(v, operations: SPEUnitTests.operations, program: program)
        let unit = wb.devices[0].unit.counters
        #expect(unit.sampled == 11)
        #expect(unit.dropped == [.filtered: 6])
        #expect(unit.written == 5)
        wb.leaveGuest(v, reason: .preemption)
        #expect(wb.vcpus[v].spe.counters.hiddenFeatureInUse == 1)
        #expect(wb.vcpus[v].controls.PMSFCR.FnE)
        #expect(wb.violations == [])
    }

    @Test func aVisibleFilterIsNotCounted() throws {
        var (wb, v) = try Bench.make(hidden: [.FnE])
        try wb.programBuffer(v, base: Bench.base, size: 0x4000)
        try wb.write(v, .PMSFCR_EL1, 1)  // FE, which the VM has
        try wb.run(v, operations: 1000)
        wb.leaveGuest(v, reason: .preemption)
        #expect(wb.vcpus[v].spe.counters.hiddenFeatureInUse == 0)
        #expect(wb.violations == [])
    }
}
