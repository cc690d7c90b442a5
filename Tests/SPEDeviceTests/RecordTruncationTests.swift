import Testing
@testable import SPEDevice

/// A buffer ending inside its last record, as after a `PMBSR_EL1.DL = 1` event: the branch record
/// at offset 0, then the load record at offset 64 cut `cut` bytes in.
@Suite struct RecordTruncationTests {
    static let buffer =
        RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64)
        + RecordFixtures.padded(RecordFixtures.loadWithContextPackets, to: 64)

    static let intactFirst = DecodedRecord(offset: 0, size: 37, record: RecordFixtures.branchWithTimestamp)

    /// Where each packet of the load record starts, relative to the record.
    static let loadPacketStarts = [0, 9, 14, 16, 19, 22, 25, 34]

    /// The load record's fields whose packets lie wholly within its first `cut` bytes.
    static func loadFields(within cut: Int) -> SPERecord {
        var record = SPERecord()
        if cut >= 9 { (record.pc, record.nonSecure) = (0x40_1000, true) }
        if cut >= 14 { record.context = .el1(0x101) }
        if cut >= 16 { record.operation = OperationType(.loadStore) }
        if cut >= 19 { record.events = [.retired, .l1dAccess, .llcAccess, .llcMiss] }
        if cut >= 22 { record.totalLatency = 4095 }
        if cut >= 25 { record.translationLatency = 12 }
        if cut >= 34 { record.dataVirtualAddress = 0x8000_1000 }
        return record
    }

    @Test(arguments: 0...64)
    func aCutInsideTheLastRecordGivesItTruncated(cut: Int) throws {
        let bytes = Array(Self.buffer[..<(64 + cut)])
        let decoded = try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: true)
        switch cut {
        case 0:
            #expect(decoded == [Self.intactFirst])
        case 1..<35:
            #expect(decoded == [
                Self.intactFirst,
                DecodedRecord(offset: 64, size: cut, record: Self.loadFields(within: cut), truncated: true),
            ])
        default:  // the End packet is in; only padding was cut
            #expect(decoded == [
                Self.intactFirst, DecodedRecord(offset: 64, size: 35, record: RecordFixtures.loadWithContextDecoded),
            ])
        }
    }

    @Test(arguments: 1..<35)
    func aCutInsideTheLastRecordThrowsWhenTruncationIsNotAllowed(cut: Int) throws {
        let bytes = Array(Self.buffer[..<(64 + cut)])
        let error = try #require(throws: SPEDeviceError.self) {
            try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false)
        }
        // The packet whose payload was cut, or the end of the data when the cut falls between packets.
        let expectedOffset = 64 + Self.loadPacketStarts.last { $0 <= cut }!
        guard case .malformedRecord(let offset, _) = error else { return }
        #expect(offset == expectedOffset)
    }

    @Test(arguments: [
        (1, SPEDeviceError.malformedRecord(
            offset: 64,
            reason: "the PC address packet needs 8 payload bytes but only 0 remain (record at offset 64)")),
        (12, .malformedRecord(
            offset: 73,
            reason: "the Context (CONTEXTIDR_EL1) packet needs 4 payload bytes but only 2 remain "
                + "(record at offset 64)")),
        (34, .malformedRecord(
            offset: 98, reason: "the data ends before the End or Timestamp packet of the record at offset 64")),
    ])
    func theErrorSaysWhatWasCut(cut: Int, expected: SPEDeviceError) {
        let bytes = Array(Self.buffer[..<(64 + cut)])
        #expect(throws: expected) { try RecordDecoder.decode(bytes, maxSize: 64, allowTruncatedTail: false) }
    }

    @Test(arguments: 1...64)
    func aRecordEndingInATimestampIsTruncatedUntilTheTimestampIsWhole(cut: Int) throws {
        let bytes = Self.buffer[..<64] + RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64)[..<cut]
        let decoded = try RecordDecoder.decode(Array(bytes), maxSize: 64, allowTruncatedTail: true)
        try #require(decoded.count == 2)
        #expect(decoded[0] == Self.intactFirst)
        #expect(decoded[1].offset == 64)
        #expect(decoded[1].truncated == (cut < 37))
        #expect(decoded[1].size == min(cut, 37))
        #expect(decoded[1].record.timestamp == (cut < 37 ? nil : 0x1_0000_0002))
    }
}
