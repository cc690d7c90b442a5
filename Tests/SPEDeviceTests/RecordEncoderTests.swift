import Testing
@testable import SPEDevice

@Suite struct RecordEncoderTests {
    @Test func branchWithTimestampEncodesAsWrittenByHandPaddedTo64() {
        let bytes = RecordEncoder.encode(RecordFixtures.branchWithTimestamp, alignment: 64, maxSize: 64)
        #expect(bytes == RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64))
        #expect(bytes.count == 64)
        #expect(bytes[28] == 0x71)
        #expect(Array(bytes[37...]) == [UInt8](repeating: 0, count: 27))
    }

    @Test func loadWithContextEncodesAsWrittenByHandPaddedTo64() {
        let bytes = RecordEncoder.encode(RecordFixtures.loadWithContext, alignment: 64, maxSize: 64)
        #expect(bytes == RecordFixtures.padded(RecordFixtures.loadWithContextPackets, to: 64))
        #expect(bytes[34] == 0x01)  // End, then padding
    }

    @Test func otherOperationWithEL2ContextAndWideEventsEncodesAsWrittenByHand() {
        let record = SPERecord(
            pc: 0xFFFF_FFFF_F000, exceptionLevel: 2, nonSecure: false, operation: OperationType(.other),
            events: SampleEvents([.exception]).union(SampleEvents(rawValue: 1 << 40)), totalLatency: 4095,
            context: .el2(0xDEAD_BEEF), timestamp: .max)
        let packets: [[UInt8]] = [
            [0xB0, 0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x40],  // NS=0, EL=2
            [0x65, 0xEF, 0xBE, 0xAD, 0xDE],
            [0x48, 0x00],
            [0x72, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00],
            [0x98, 0xFF, 0x0F],
            [0x71, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        ]
        #expect(RecordEncoder.encode(record, alignment: 64, maxSize: 64) == RecordFixtures.padded(packets, to: 64))
        #expect(RecordEncoder.unpaddedSize(of: record) == 37)
    }

    @Test(arguments: [
        (SampleEvents(rawValue: 0), [UInt8]([0x42, 0x00])),
        (SampleEvents([.exception, .mispredicted]), [0x42, 0x81]),
        (SampleEvents([.llcAccess]), [0x52, 0x00, 0x01]),
        (SampleEvents([.retired, .llcMiss]), [0x52, 0x02, 0x02]),
        (SampleEvents(rawValue: 0x1_0000), [0x62, 0x00, 0x00, 0x01, 0x00]),
        (SampleEvents(rawValue: 0x8000_0000), [0x62, 0x00, 0x00, 0x00, 0x80]),
        (SampleEvents(rawValue: 0x8000_0000_0000_0002), [0x72, 0x02, 0, 0, 0, 0, 0, 0, 0x80]),
    ])
    func eventsUseTheSmallestPayloadHoldingTheSetBits(events: SampleEvents, packet: [UInt8]) {
        let record = SPERecord(events: events)
        let bytes = RecordEncoder.encode(record, alignment: 1, maxSize: 64)
        // PC (9 bytes) and operation type (2 bytes) come first.
        #expect(Array(bytes[11..<(11 + packet.count)]) == packet)
        #expect(RecordEncoder.unpaddedSize(of: record) == 9 + 2 + packet.count + 3 + 1)
    }

    @Test(arguments: [
        (UInt16(0), [UInt8]([0x00, 0x00])), (UInt16(1), [0x01, 0x00]), (UInt16(4094), [0xFE, 0x0F]),
        (UInt16(4095), [0xFF, 0x0F]), (UInt16(4096), [0xFF, 0x0F]), (UInt16(5000), [0xFF, 0x0F]),
        (UInt16.max, [0xFF, 0x0F]),
    ] as [(UInt16, [UInt8])])
    func countersSaturateAt4095(value: UInt16, payload: [UInt8]) {
        let record = SPERecord(totalLatency: value, issueLatency: value, translationLatency: value)
        let bytes = RecordEncoder.encode(record, alignment: 1, maxSize: 64)
        #expect(Array(bytes[13..<22]) == [0x98] + payload + [0x99] + payload + [0x9A] + payload)
    }

    @Test func addressesKeepBits55To0AndThePCTopByteCarriesNSAndEL() {
        let record = SPERecord(
            pc: 0xFFFF_8000_1234_5678, exceptionLevel: 3, nonSecure: true,
            dataVirtualAddress: 0xFF00_0000_0000_0001, branchTarget: 0xAB12_3456_789A_BCDE)
        let bytes = RecordEncoder.encode(record, alignment: 1, maxSize: 64)
        #expect(Array(bytes[0..<9]) == [0xB0, 0x78, 0x56, 0x34, 0x12, 0x00, 0x80, 0xFF, 0xE0])
        #expect(Array(bytes[16..<34]) == [
            0xB2, 0x01, 0, 0, 0, 0, 0, 0, 0x00,
            0xB1, 0xDE, 0xBC, 0x9A, 0x78, 0x56, 0x34, 0x12, 0x00,
        ])
        #expect(Array(bytes[34...]) == [0x01])
    }

    @Test(arguments: [1, 8, 16, 32, 64, 128])
    func paddingReachesTheNextMultipleOfTheAlignment(alignment: Int) {
        let record = RecordFixtures.loadWithContext  // 35 bytes of packets
        let expected = (35 + alignment - 1) / alignment * alignment
        let bytes = RecordEncoder.encode(record, alignment: alignment, maxSize: 64)
        #expect(bytes.count == expected)
        #expect(RecordEncoder.paddedSize(of: record, alignment: alignment) == expected)
        #expect(bytes[35...].allSatisfy { $0 == 0 })
    }

    @Test func encodeIntoAppendsTheSameBytesAfterWhatTheBufferHeld() {
        var buffer: [UInt8] = [0xAA, 0xBB]
        RecordEncoder.encode(RecordFixtures.branchWithTimestamp, alignment: 64, maxSize: 64, into: &buffer)
        RecordEncoder.encode(RecordFixtures.loadWithContext, alignment: 64, maxSize: 64, into: &buffer)
        #expect(buffer.count == 2 + 64 + 64)
        #expect(Array(buffer[0..<2]) == [0xAA, 0xBB])
        #expect(Array(buffer[2..<66]) == RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64))
        #expect(Array(buffer[66...]) == RecordFixtures.padded(RecordFixtures.loadWithContextPackets, to: 64))
    }

    @Test func theLargestRecordFitsTheModelsMaximumSize() {
        let largest = SPERecord(
            events: SampleEvents(rawValue: .max), totalLatency: 1, issueLatency: 2, translationLatency: 3,
            dataVirtualAddress: 4, branchTarget: 5, context: .el2(6), timestamp: 7)
        #expect(RecordEncoder.unpaddedSize(of: largest) == 61)
        #expect(RecordEncoder.encode(largest, alignment: 64, maxSize: 64).count == 64)
    }
}
