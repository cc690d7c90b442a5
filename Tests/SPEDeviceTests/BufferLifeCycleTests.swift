import Testing
@testable import SPEDevice

/// Program, fill, exit with the syndrome, service, restart, fill again.
@Suite struct BufferLifeCycleTests {
    static let base = Bench.base
    /// 64 records of 64 bytes fill 4 KiB; one sample every 257 operations.
    static let fill: UInt64 = 64 * 257

    @Test func fillServiceRestartFillAgain() throws {
        var (wb, v) = try Bench.make()
        try wb.programBuffer(v, base: Self.base, size: 0x1000)
        #expect(try wb.run(v, operations: Self.fill, program: TestProgram.uniform()) == Self.fill)
        #expect(wb.exits.irq == 1)
        var spe = wb.vcpus[v].spe
        #expect(spe.memory.PMBSR.rawValue == 0x20001)  // S, EC other, BSC buffer filled
        #expect(spe.memory.PMBPTR.PTR == Self.base + 0x1000)
        #expect(spe.virtualLine)
        #expect(wb.devices[0].unit.buffer.PMBSR.rawValue == 0)
        #expect(!wb.devices[0].unit.pmbirq)
        #expect(wb.devices[0].unit.counters.written == 64)

        let records = try wb.serviceBuffer(v)
        #expect(records.count == 64)
        #expect(UInt64(records.count) == wb.devices[0].unit.counters.written)
        #expect(records.map(\.offset) == (0..<64).map { $0 * 64 })
        #expect(records.map { TestProgram.index(ofPC: $0.record.pc) } == expectedSamples(operations: Self.fill, interval: 1))
        #expect(records.allSatisfy { $0.record.context == .el1(wb.vcpus[v].contextID) && $0.record.timestamp != nil })
        spe = wb.vcpus[v].spe
        #expect(!spe.virtualLine)
        #expect(spe.memory.PMBSR.rawValue == 0)
        #expect(spe.memory.PMBPTR.PTR == Self.base)
        #expect(spe.isBufferEnabled)
        #expect(spe.pinned == Self.base..<(Self.base + 0x1000))
        #expect(spe.counters.driverOrderViolations == 0)

        #expect(try wb.run(v, operations: Self.fill, program: TestProgram.uniform()) == Self.fill)
        #expect(wb.exits.irq == 2)
        #expect(wb.vcpus[v].spe.virtualLine)
        #expect(wb.devices[0].unit.counters.written == 128)
        let again = try wb.serviceBuffer(v)
        #expect(again.count == 64)
        #expect(again.first.map { TestProgram.index(ofPC: $0.record.pc) } == Self.fill + 256)
        let unit = wb.devices[0].unit.counters
        #expect(unit.sampled == unit.written + unit.droppedTotal)
        #expect(wb.vcpus[v].spe.counters.virtualLineChanges == 4)
        #expect(wb.vcpus[v].spe.counters.managementEvents == 2)
        #expect(wb.vcpus[v].memory.shadow.foreignRuns(in: Self.base..<(Self.base + 0x1000), owner: .guest(wb.vcpus[v].id)) == [])
        #expect(wb.violations == [])
    }

    @Test func aStage2FaultWhileRunningBecomesAnExternalAbort() throws {
        var (wb, v) = try Bench.make()
        try wb.programBuffer(v, base: Self.base, size: 0x2000)
        // The VMM takes the second page away (it should not: the buffer is pinned).
        wb.unmapStage2(v, (Self.base + 0x1000)..<(Self.base + 0x2000))
        try wb.run(v, operations: Self.fill + 257, program: TestProgram.uniform())
        let sr = wb.vcpus[v].spe.memory.PMBSR
        #expect(sr.rawValue == 0x9006_0010)  // S, EA, EC stage-1 abort, FSC external abort, DL=0
        #expect(wb.vcpus[v].spe.memory.PMBPTR.PTR == Self.base + 0x1000)
        #expect(wb.vcpus[v].spe.counters.stage2Warnings == 1)
        #expect(wb.vcpus[v].spe.virtualLine)
        #expect(wb.violations == [])
    }
}
