import Testing
@testable import SPEDevice

/// SPE.md §5 "Enabling the buffer": the five checks, in order, first failure wins.
@Suite struct EnableEdgeTests {
    static let base = Bench.base

    /// Asserts a refusal: in-memory PMBSR, PMBPTR, the virtual line, the count, and no pin.
    static func expectRefused(_ wb: SPEWorkbench, _ v: Int, _ refusal: EnableRefusal, pmbsr: UInt64, pmbptr: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation)
    {
        let spe = wb.vcpus[v].spe
        #expect(spe.memory.PMBSR.rawValue == pmbsr, sourceLocation: sourceLocation)
        #expect(spe.memory.PMBPTR.PTR == pmbptr, sourceLocation: sourceLocation)
        #expect(spe.virtualLine, sourceLocation: sourceLocation)
        #expect(spe.counters.enableRefusals == [refusal: 1], sourceLocation: sourceLocation)
        #expect(spe.counters.managementEvents == 1, sourceLocation: sourceLocation)
        #expect(spe.counters.pins == 0, sourceLocation: sourceLocation)
        #expect(spe.pinned == nil, sourceLocation: sourceLocation)
        #expect(spe.pinPending == nil, sourceLocation: sourceLocation)
        #expect(wb.vms[0].lockedMemory.charged == 0, sourceLocation: sourceLocation)
        #expect(!spe.isBufferEnabled, sourceLocation: sourceLocation)
        #expect(wb.violations == [], sourceLocation: sourceLocation)
    }

    @Test func misalignedPointerIsMisprogrammed() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x2000))
        try Bench.enable(&wb, v, ptr: Self.base + 8, limit: Self.base + 0x2000)
        Self.expectRefused(wb, v, .misprogrammed, pmbsr: 0x0000_0000_0002_0001, pmbptr: Self.base + 8)
        #expect(try wb.read(v, .PMBSR_EL1) == 0x20001)
    }

    @Test(arguments: [UInt64(0x2000), 0x3000])
    func pointerAtOrPastTheLimitIsMisprogrammed(offset: UInt64) throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x4000))
        try Bench.enable(&wb, v, ptr: Self.base + offset, limit: Self.base + 0x2000)
        Self.expectRefused(wb, v, .misprogrammed, pmbsr: 0x20001, pmbptr: Self.base + offset)
    }

    @Test func bufferLargerThanTheMaximumIsTooLarge() throws {
        var (wb, v) = try Bench.make(maxBufferSize: 0x1000)
        wb.map(v, Self.base..<(Self.base + 0x2000))
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x2000)
        Self.expectRefused(wb, v, .tooLarge, pmbsr: 0x20004, pmbptr: Self.base)
    }

    @Test func bufferOfExactlyTheMaximumIsAccepted() throws {
        var (wb, v) = try Bench.make(maxBufferSize: 0x2000)
        wb.map(v, Self.base..<(Self.base + 0x2000))
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x2000)
        #expect(wb.vcpus[v].spe.isBufferEnabled)
        #expect(wb.vcpus[v].spe.pinned == Self.base..<(Self.base + 0x2000))
        #expect(!wb.vcpus[v].spe.virtualLine)
        #expect(wb.vcpus[v].spe.counters.enableRefusals == [:])
    }

    @Test func stage1HoleIsAStage1DataAbortAtTheFirstMissingByte() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x1000))
        try Bench.enable(&wb, v, ptr: Self.base + 0x40, limit: Self.base + 0x3000)
        // S=1, EC=0b100100, FSC=translation fault level 3, DL=0.
        Self.expectRefused(wb, v, .stage1Unmapped, pmbsr: 0x9002_0007, pmbptr: Self.base + 0x1000)
        let sr = wb.vcpus[v].spe.memory.PMBSR
        #expect(sr.EC == .stage1DataAbort && sr.MSS == 0b000111 && !sr.DL && !sr.EA)
    }

    @Test func stage2HoleIsAnExternalAbort() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x3000))
        wb.unmapStage2(v, (Self.base + 0x2000)..<(Self.base + 0x3000))
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x3000)
        // S=1, EA=1, EC=0b100100, FSC=0x10, DL=0.
        Self.expectRefused(wb, v, .stage2Unmapped, pmbsr: 0x9006_0010, pmbptr: Self.base)
    }

    @Test func misprogrammedWinsOverTooLargeAndUnmapped() throws {
        var (wb, v) = try Bench.make(maxBufferSize: 0x1000)
        try Bench.enable(&wb, v, ptr: Self.base + 4, limit: Self.base + 0x3000)
        Self.expectRefused(wb, v, .misprogrammed, pmbsr: 0x20001, pmbptr: Self.base + 4)
    }

    @Test func tooLargeWinsOverUnmapped() throws {
        var (wb, v) = try Bench.make(maxBufferSize: 0x1000)
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x3000)
        Self.expectRefused(wb, v, .tooLarge, pmbsr: 0x20004, pmbptr: Self.base)
    }

    @Test func stage1WinsOverAnEarlierStage2Hole() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x3000))
        wb.unmapStage2(v, Self.base..<(Self.base + 0x1000))
        wb.unmapStage1(v, (Self.base + 0x2000)..<(Self.base + 0x3000))
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x3000)
        Self.expectRefused(wb, v, .stage1Unmapped, pmbsr: 0x9002_0007, pmbptr: Self.base + 0x2000)
    }

    @Test func eachRefusalIsCountedAndTheNextEnableAfterAFixPins() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x1000))
        try Bench.enable(&wb, v, ptr: Self.base + 8, limit: Self.base + 0x1000)  // misprogrammed
        // The driver clears S: rising edge again, same misprogramming.
        try wb.write(v, .PMBSR_EL1, 0)
        #expect(wb.vcpus[v].spe.counters.enableRefusals == [.misprogrammed: 2])
        #expect(wb.vcpus[v].spe.virtualLine)
        // Fix the pointer (E still 1, S 1: no edge), then clear S: the edge passes and pins.
        try wb.write(v, .PMBPTR_EL1, Self.base)
        try wb.write(v, .PMBSR_EL1, 0)
        #expect(wb.vcpus[v].spe.isBufferEnabled)
        #expect(!wb.vcpus[v].spe.virtualLine)
        #expect(wb.vcpus[v].spe.pinned == Self.base..<(Self.base + 0x1000))
        #expect(wb.vcpus[v].spe.counters.enableRefusals == [.misprogrammed: 2])
        #expect(wb.vcpus[v].spe.counters.virtualLineChanges == 2)  // up once, down once: the re-refusal kept it up
        #expect(wb.violations == [])
    }
}
