import Testing
@testable import SPEDevice

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

    /// What the VMM takes away at stage 2 it can give back; the guest's stage 1 is left alone, and
    /// a host space (one stage) is unchanged.
    @Test func stage2ComesBackWithoutTouchingStage1() {
        var space = AddressSpace(owner: .guest(Self.vcpu))
        space.map(0x1000..<0x4000)
        space.unmapStage1(0x3000..<0x4000)
        space.unmapStage2(0x1000..<0x3000)
        #expect(space.stage2.ranges == [0x3000..<0x4000])
        space.mapStage2(0x1800..<0x2001)
        #expect(space.stage2.ranges == [0x1000..<0x4000])
        #expect(space.stage1.ranges == [0x1000..<0x3000])
        var host = AddressSpace(owner: .host(cpu: 0))
        host.mapStage2(0x1000..<0x2000)
        #expect(host.stage2.ranges == [])
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
