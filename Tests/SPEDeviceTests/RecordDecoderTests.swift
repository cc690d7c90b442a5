import Testing
@testable import SPEDevice

@Suite struct RecordDecoderTests {
    @Test func handWrittenBytesDecodeToTheirRecords() throws {
        let bytes =
            RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64)
            + RecordFixtures.padded(RecordFixtures.loadWithContextPackets, to: 64)
        let decoded = try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false)
        #expect(decoded == [
            DecodedRecord(offset: 0, size: 37, record: RecordFixtures.branchWithTimestamp),
            DecodedRecord(offset: 64, size: 35, record: RecordFixtures.loadWithContextDecoded),
        ])
    }

    @Test(arguments: 0..<40 as Range<UInt64>)
    func generatedRecordsSurviveARoundTrip(seed: UInt64) throws {
        var rng = RecordSplitMix64(seed: seed)
        for _ in 0..<50 {
            let record = RecordFixtures.randomRecord(&rng)
            let bytes = RecordEncoder.encode(record, alignment: 64, maxSize: 64)
            let decoded = try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false)
            #expect(decoded == [
                DecodedRecord(
                    offset: 0, size: RecordEncoder.unpaddedSize(of: record), record: RecordFixtures.saturated(record))
            ])
        }
    }

    @Test(arguments: [(UInt64(1), 1), (2, 16), (3, 32), (4, 64), (5, 128)] as [(UInt64, Int)])
    func recordsBackToBackDecodeAtTheirOffsets(seed: UInt64, alignment: Int) throws {
        var rng = RecordSplitMix64(seed: seed)
        var bytes: [UInt8] = []
        var expected: [DecodedRecord] = []
        for _ in 0..<20 {
            let record = RecordFixtures.randomRecord(&rng)
            expected.append(
                DecodedRecord(
                    offset: bytes.count, size: RecordEncoder.unpaddedSize(of: record),
                    record: RecordFixtures.saturated(record)))
            RecordEncoder.encode(record, alignment: alignment, maxSize: 64, into: &bytes)
        }
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) == expected)
    }

    @Test func paddingBeforeBetweenAndAfterRecordsIsSkipped() throws {
        let branch = RecordFixtures.branchWithTimestampPackets.flatMap { $0 }
        let load = RecordFixtures.loadWithContextPackets.flatMap { $0 }
        let bytes = [0, 0, 0] + branch + [0] + load + [0, 0]
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) == [
            DecodedRecord(offset: 3, size: 37, record: RecordFixtures.branchWithTimestamp),
            DecodedRecord(offset: 41, size: 35, record: RecordFixtures.loadWithContextDecoded),
        ])
    }

    @Test(arguments: [0, 1, 64, 200])
    func onlyPaddingDecodesToNoRecords(count: Int) throws {
        let bytes = [UInt8](repeating: 0, count: count)
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) == [])
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: true) == [])
    }

    @Test func packetsAfterThePCMayComeInAnyOrderWithPaddingBetween() throws {
        let bytes: [UInt8] = [
            0xB0, 0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x80,
            0x98, 0x0C, 0x00,
            0x00,
            0x42, 0x02,
            0x65, 0x07, 0x00, 0x00, 0x00,
            0x4B, 0x9F,  // reserved class 3 stays representable
            0x01,
        ]
        let expected = SPERecord(
            pc: 0x40_1000, nonSecure: true, operation: OperationType(OperationClass(rawValue: 3), subclass: 0x9F),
            events: [.retired], totalLatency: 12, context: .el2(7))
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) == [
            DecodedRecord(offset: 0, size: 23, record: expected)
        ])
    }

    @Test func wideEventsAndCountersAbove4095AreTakenAsTheyAre() throws {
        let bytes: [UInt8] = [
            0xB0, 0, 0, 0, 0, 0, 0, 0, 0x00,
            0x48, 0x00,
            0x72, 0x02, 0, 0, 0, 0, 0, 0, 0,  // 8-byte Events holding one low bit
            0x98, 0x34, 0x12,
            0x01,
        ]
        #expect(try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) == [
            DecodedRecord(offset: 0, size: 24, record: SPERecord(events: [.retired], totalLatency: 0x1234))
        ])
    }

    @Test func aSliceCountsOffsetsFromItsOwnStart() throws {
        let record = RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64)
        let bytes = [UInt8](repeating: 0xEE, count: 10) + record + record
        let decoded = try RecordDecoder.decode(bytes[10...], maxSize: 64, allowTruncatedTail: false)
        #expect(decoded.map(\.offset) == [0, 64])
        #expect(throws: SPEDeviceError.self) {
            try RecordDecoder.decode(bytes[5...], maxSize: 64, allowTruncatedTail: false)
        }
    }

    @Test func aDecodedRecordDescribesItselfInKeyValueForm() throws {
        let record = SPERecord(
            pc: 0x40_1000, exceptionLevel: 0, nonSecure: true, operation: OperationType(.loadStore),
            events: [.retired, .l1dAccess], totalLatency: 12, dataVirtualAddress: 0x8000_1000,
            context: .el1(0x101), timestamp: 1234)
        let bytes = RecordEncoder.encode(record, alignment: 64, maxSize: 64)
        let decoded = try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false)
        #expect(decoded.map(\.description) == [
            "offset=0 size=39 context=el1:0x00000101 pc=0x0000000000401000 el=0 ns=1 type=load-store/0x00 "
                + "events=retired,l1d-access latency=12 va=0x0000000080001000 ts=1234"
        ])
    }

    @Test func everyFieldAppearsInItsPlaceInTheDescription() {
        let decoded = DecodedRecord(
            offset: 128, size: 20,
            record: SPERecord(
                pc: 0xFFFF_FFFF_FFFF_FF, exceptionLevel: 2, nonSecure: false,
                operation: OperationType(.branch, subclass: 0xA5),
                events: SampleEvents([.exception, .llcMiss]).union(SampleEvents(rawValue: 1 << 63)),
                totalLatency: 4095, issueLatency: 1, translationLatency: 2, dataVirtualAddress: 0xAB,
                branchTarget: 0x40_2000, context: .el2(0xDEAD_BEEF), timestamp: nil),
            truncated: true)
        #expect(decoded.description == "offset=128 size=20 context=el2:0xdeadbeef pc=0x00ffffffffffffff el=2 ns=0 "
            + "type=branch/0xa5 events=exception,llc-miss,bit-63 latency=4095 issue=1 translation=2 "
            + "va=0x00000000000000ab target=0x0000000000402000 truncated")
        #expect(SPERecord().description == "pc=0x0000000000000000 el=0 ns=0 type=other/0x00 events=none latency=0")
        #expect(OperationClass(rawValue: 3).description == "class-3")
    }
}
