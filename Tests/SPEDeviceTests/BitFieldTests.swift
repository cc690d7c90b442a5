import Testing
@testable import SPEDevice

@Suite struct BitFieldTests {
    @Test func maskWidthAndMaxValue() {
        let field = BitField(31, 26)
        #expect(field.width == 6)
        #expect(field.mask == 0xFC00_0000)
        #expect(field.maxValue == 0b111111)
        #expect(field.description == "[31:26]")
        #expect(BitField(bit: 17).description == "[17]")
        #expect(BitField(bit: 17).mask == 0x2_0000)
        #expect(BitField(63, 0).mask == ~0)
        #expect(BitField(63, 0).width == 64)
        #expect(BitField(63, 12).mask == 0xFFFF_FFFF_FFFF_F000)
        #expect(BitField(bit: 63).mask == 1 << 63)
    }

    @Test func extractAndInsert() {
        let field = BitField(15, 8)
        #expect(field.extract(from: 0x1234_5678) == 0x56)
        #expect(field.inserting(0xAB, into: 0x1234_5678) == 0x1234_AB78)
        // Bits beyond the field's width are dropped.
        #expect(field.inserting(0x1FF, into: 0) == 0xFF00)
        #expect(BitField(63, 0).inserting(5, into: ~0) == 5)
        #expect(BitField(bit: 0).inserting(0, into: ~0) == ~UInt64(1))
    }
}

@Suite struct PageRangeSetTests {
    @Test func insertKeepsSortedDisjointMergedRanges() {
        var set = PageRangeSet()
        set.insert(0x3000..<0x4000)
        set.insert(0x1000..<0x2000)
        #expect(set.ranges == [0x1000..<0x2000, 0x3000..<0x4000])
        set.insert(0x2000..<0x3000)  // adjacent on both sides: one range
        #expect(set.ranges == [0x1000..<0x4000])
        set.insert(0x8000..<0x9000)
        set.insert(0x500..<0x8800)  // swallows everything, overlaps the last
        #expect(set.ranges == [0x500..<0x9000])
        set.insert(0x10..<0x10)  // empty: nothing
        #expect(set.ranges == [0x500..<0x9000])
        #expect(set.count == 0x8B00)
    }

    @Test func removeSplitsAndTrims() {
        var set = PageRangeSet()
        set.insert(0x1000..<0x5000)
        set.remove(0x2000..<0x3000)
        #expect(set.ranges == [0x1000..<0x2000, 0x3000..<0x5000])
        set.remove(0x0..<0x1800)
        #expect(set.ranges == [0x1800..<0x2000, 0x3000..<0x5000])
        set.remove(0x4000..<0x9000)
        #expect(set.ranges == [0x1800..<0x2000, 0x3000..<0x4000])
        set.remove(0x1800..<0x4000)
        #expect(set.ranges == [])
        #expect(set.count == 0)
    }

    @Test func firstMissingAndCovers() {
        var set = PageRangeSet()
        set.insert(0x1000..<0x3000)
        set.insert(0x4000..<0x5000)
        #expect(set.firstMissing(in: 0x1000..<0x3000) == nil)
        #expect(set.covers(0x1000..<0x3000))
        #expect(set.firstMissing(in: 0x1000..<0x3001) == 0x3000)
        #expect(set.firstMissing(in: 0x2000..<0x4800) == 0x3000)
        #expect(set.firstMissing(in: 0x0..<0x1000) == 0x0)
        #expect(set.firstMissing(in: 0x4800..<0x6000) == 0x5000)
        #expect(set.firstMissing(in: 0x6000..<0x7000) == 0x6000)
        #expect(set.firstMissing(in: 0x6000..<0x6000) == nil)
        #expect(!set.covers(0x0FFF..<0x1001))
        #expect(set.contains(0x1000))
        #expect(set.contains(0x2FFF))
        #expect(!set.contains(0x3000))
        #expect(!set.contains(0xFFF))
        #expect(PageRangeSet().firstMissing(in: 5..<6) == 5)
        #expect(set.description == "[0x0000000000001000, 0x0000000000003000) [0x0000000000004000, 0x0000000000005000)")
    }
}

@Suite struct ShadowLogTests {
    typealias Run = ShadowLog.Run
    static let host = ProfilingContext.host(cpu: 0)
    static let guestA = ProfilingContext.guest(VCPUID(vm: 0, index: 0))
    static let guestB = ProfilingContext.guest(VCPUID(vm: 1, index: 0))

    @Test func sequentialWritesOfOneWriterMerge() {
        var log = ShadowLog()
        log.record(0x100..<0x140, by: Self.guestA)
        log.record(0x140..<0x180, by: Self.guestA)
        #expect(log.runs == [Run(range: 0x100..<0x180, writer: Self.guestA)])
        log.record(0x180..<0x1C0, by: Self.host)
        log.record(0x200..<0x240, by: Self.host)  // a gap: a new run
        #expect(log.runs == [
            Run(range: 0x100..<0x180, writer: Self.guestA),
            Run(range: 0x180..<0x1C0, writer: Self.host),
            Run(range: 0x200..<0x240, writer: Self.host),
        ])
        log.record(0x100..<0x100, by: Self.host)  // empty: nothing
        #expect(log.runs.count == 3)
    }

    @Test func overwriteReplacesTheWriterAndMergesNeighbours() {
        var log = ShadowLog()
        log.record(0x0..<0x100, by: Self.guestA)
        log.record(0x40..<0x80, by: Self.guestB)
        #expect(log.runs == [
            Run(range: 0x0..<0x40, writer: Self.guestA),
            Run(range: 0x40..<0x80, writer: Self.guestB),
            Run(range: 0x80..<0x100, writer: Self.guestA),
        ])
        log.record(0x40..<0x80, by: Self.guestA)  // back to one run
        #expect(log.runs == [Run(range: 0x0..<0x100, writer: Self.guestA)])
        log.record(0x80..<0x180, by: Self.host)  // overlaps the end
        #expect(log.runs == [
            Run(range: 0x0..<0x80, writer: Self.guestA),
            Run(range: 0x80..<0x180, writer: Self.host),
        ])
    }

    @Test func runsInRangeAreClippedAndForeignRunsFiltered() {
        var log = ShadowLog()
        log.record(0x0..<0x40, by: Self.guestA)
        log.record(0x40..<0x80, by: Self.host)
        log.record(0xC0..<0x100, by: Self.guestA)
        #expect(log.runs(in: 0x20..<0xD0) == [
            Run(range: 0x20..<0x40, writer: Self.guestA),
            Run(range: 0x40..<0x80, writer: Self.host),
            Run(range: 0xC0..<0xD0, writer: Self.guestA),
        ])
        #expect(log.foreignRuns(in: 0x0..<0x100, owner: Self.guestA) == [Run(range: 0x40..<0x80, writer: Self.host)])
        #expect(log.foreignRuns(in: 0x80..<0x100, owner: Self.guestA) == [])
        #expect(log.runs(in: 0x80..<0xC0) == [])
    }
}

@Suite struct AddressSpaceTests {
    static let vcpu = VCPUID(vm: 0, index: 0)

    @Test func pageAligned() {
        #expect(AddressSpace.pageAligned(0x1001..<0x2001) == 0x1000..<0x3000)
        #expect(AddressSpace.pageAligned(0x1000..<0x2000) == 0x1000..<0x2000)
        #expect(AddressSpace.pageAligned(0x1000..<0x1000) == 0x1000..<0x1000)
        #expect(AddressSpace.pageAligned(0xFFFF_FFFF_FFFF_F001..<UInt64.max) == 0xFFFF_FFFF_FFFF_F000..<0xFFFF_FFFF_FFFF_F000)
    }

    @Test func guestSpaceMapsBothStagesHostOne() {
        var guest = AddressSpace(owner: .guest(Self.vcpu))
        #expect(guest.hasStage2)
        guest.map(0x1800..<0x2800)
        #expect(guest.stage1.ranges == [0x1000..<0x3000])
        #expect(guest.stage2.ranges == [0x1000..<0x3000])
        var host = AddressSpace(owner: .host(cpu: 1))
        #expect(!host.hasStage2)
        host.map(0x1000..<0x2000)
        #expect(host.stage1.ranges == [0x1000..<0x2000])
        #expect(host.stage2.ranges == [])
        #expect(host.firstFault(in: 0x1000..<0x2000) == nil)
    }

    @Test func unmapEachStage() {
        var space = AddressSpace(owner: .guest(Self.vcpu))
        space.map(0x1000..<0x4000)
        space.unmapStage2(0x2000..<0x2001)
        #expect(space.stage2.ranges == [0x1000..<0x2000, 0x3000..<0x4000])
        #expect(space.firstFault(in: 0x1000..<0x4000) == TranslationFault(stage: .stage2, address: 0x2000))
        space.unmapStage1(0x3000..<0x4000)
        // Stage 1 is walked first, over the whole range.
        #expect(space.firstFault(in: 0x1000..<0x4000) == TranslationFault(stage: .stage1, address: 0x3000))
    }

    @Test func writeStopsAtTheFirstStage1Fault() {
        var space = AddressSpace(owner: .guest(Self.vcpu))
        space.map(0x1000..<0x2000)
        let bytes = [UInt8](1...100)
        let result = space.write(bytes, at: 0x2000 - 40, by: .guest(Self.vcpu))
        #expect(result == WriteResult(written: 40, fault: TranslationFault(stage: .stage1, address: 0x2000)))
        #expect(space.read(0x1FD8..<0x2000) == Array(bytes[0..<40]))
        #expect(space.read(0x2000..<0x2010) == [UInt8](repeating: 0, count: 16))
        #expect(space.shadow.runs == [ShadowLog.Run(range: 0x1FD8..<0x2000, writer: .guest(Self.vcpu))])
    }

    @Test func writeStopsAtTheFirstStage2Fault() {
        var space = AddressSpace(owner: .guest(Self.vcpu))
        space.map(0x1000..<0x3000)
        space.unmapStage2(0x2000..<0x3000)
        let result = space.write([UInt8](repeating: 0xAA, count: 64), at: 0x1FF0, by: .guest(Self.vcpu))
        #expect(result == WriteResult(written: 16, fault: TranslationFault(stage: .stage2, address: 0x2000)))
    }

    @Test func faultAtTheFirstByteWritesNothing() {
        var space = AddressSpace(owner: .guest(Self.vcpu))
        let result = space.write([1, 2, 3], at: 0x5000, by: .guest(Self.vcpu))
        #expect(result == WriteResult(written: 0, fault: TranslationFault(stage: .stage1, address: 0x5000)))
        #expect(space.shadow.runs == [])
    }

    @Test func writeAcrossPagesAndReadBack() {
        var space = AddressSpace(owner: .host(cpu: 0))
        space.map(0x1000..<0x3000)
        let bytes = (0..<200).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let result = space.write(bytes, at: 0x1F9C, by: .host(cpu: 0))
        #expect(result == WriteResult(written: 200, fault: nil))
        #expect(space.read(0x1F9C..<(0x1F9C + 200)) == bytes)
        #expect(space.read(0x1F90..<0x1F9C) == [UInt8](repeating: 0, count: 12))
        #expect(space.read(0x9000..<0x9004) == [0, 0, 0, 0])
    }
}
