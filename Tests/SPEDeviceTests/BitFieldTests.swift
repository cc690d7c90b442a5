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
