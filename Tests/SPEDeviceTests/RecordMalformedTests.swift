import Testing
@testable import SPEDevice

/// Bytes that are not records the model writes: each throws `malformedRecord` at a stated offset.
@Suite struct RecordMalformedTests {
    /// A PC packet: PC 0x401000, EL 0, NS 1.
    static let pc: [UInt8] = [0xB0, 0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x80]
    /// The packets every complete record needs after its PC: operation type, Events, total latency.
    static let mandatory: [UInt8] = [0x49, 0x00, 0x42, 0x02, 0x98, 0x0C, 0x00]
    static let branchPadded = RecordFixtures.padded(RecordFixtures.branchWithTimestampPackets, to: 64)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var maxSize = 64
        var expected: SPEDeviceError
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown header inside a record", bytes: pc + [0x23] + mandatory + [0x01],
            expected: .malformedRecord(offset: 9, reason: "unknown packet header 0x23 in the record at offset 0")),
        Case(
            name: "data physical address packet, never written by the model", bytes: pc + mandatory + [0xB3] + [0x01],
            expected: .malformedRecord(offset: 16, reason: "unknown packet header 0xb3 in the record at offset 0")),
        Case(
            name: "counter index 3", bytes: branchPadded + pc + mandatory + [0x9B, 0x00, 0x00, 0x01],
            expected: .malformedRecord(offset: 80, reason: "unknown packet header 0x9b in the record at offset 64")),
        Case(
            name: "unknown header between records", bytes: branchPadded + [0x00, 0x00, 0xFF],
            expected: .malformedRecord(
                offset: 66,
                reason: "a record must start with a PC address packet (header 0xb0), found header 0xff")),
        Case(
            name: "record starting with Events", bytes: [0x42, 0x02] + pc + mandatory + [0x01],
            expected: .malformedRecord(
                offset: 0,
                reason: "a record must start with a PC address packet (header 0xb0), "
                    + "found header 0x42 (Events)")),
        Case(
            name: "stray End after a record", bytes: branchPadded + [0x01],
            expected: .malformedRecord(
                offset: 64,
                reason: "a record must start with a PC address packet (header 0xb0), "
                    + "found header 0x01 (End)")),
        Case(
            name: "record longer than maxSize 32", bytes: branchPadded, maxSize: 32,
            expected: .malformedRecord(
                offset: 28,
                reason: "the record at offset 0 is longer than the maximum record size of 32 bytes "
                    + "(its Timestamp packet ends 37 bytes in)")),
        Case(
            name: "record padded inside past maxSize 64",
            bytes: pc + mandatory + [UInt8](repeating: 0, count: 48) + [0x01],
            expected: .malformedRecord(
                offset: 64,
                reason: "the record at offset 0 is longer than the maximum record size of 64 bytes "
                    + "(its End packet ends 65 bytes in)")),
        Case(
            name: "record without a terminator running into the next", bytes: pc + mandatory + pc + mandatory + [0x01],
            expected: .malformedRecord(offset: 16, reason: "a second PC address packet in the record at offset 0")),
        Case(
            name: "two Context packets", bytes: pc + [0x64, 1, 0, 0, 0, 0x65, 2, 0, 0, 0] + mandatory + [0x01],
            expected: .malformedRecord(
                offset: 14, reason: "a second Context (CONTEXTIDR_EL2) packet in the record at offset 0")),
        Case(
            name: "two Events packets of different widths", bytes: pc + mandatory + [0x52, 0x00, 0x01, 0x01],
            expected: .malformedRecord(offset: 16, reason: "a second Events packet in the record at offset 0")),
        Case(
            name: "missing operation type", bytes: pc + [0x42, 0x02, 0x98, 0x0C, 0x00, 0x01],
            expected: .malformedRecord(
                offset: 0, reason: "the record at offset 0 has no operation-type packet before its End packet at offset 14")),
        Case(
            name: "missing Events", bytes: pc + [0x49, 0x00, 0x98, 0x0C, 0x00, 0x71] + [UInt8](repeating: 9, count: 8),
            expected: .malformedRecord(
                offset: 0, reason: "the record at offset 0 has no Events packet before its Timestamp packet at offset 14")),
        Case(
            name: "missing total latency", bytes: branchPadded + pc + [0x49, 0x00, 0x42, 0x02, 0x01],
            expected: .malformedRecord(
                offset: 64,
                reason: "the record at offset 64 has no total-latency counter packet before its End packet at offset 77")),
    ]

    @Test(arguments: cases)
    func malformedBytesThrowAtTheirOffset(_ test: Case) {
        for allowTruncatedTail in [false, true] {
            #expect(throws: test.expected) {
                try RecordDecoder.decode(test.bytes, maxSize: test.maxSize, allowTruncatedTail: allowTruncatedTail)
            }
        }
    }

    @Test func theErrorMessageNamesTheOffsetAndTheReason() {
        let error = SPEDeviceError.malformedRecord(offset: 9, reason: "unknown packet header 0x23 in the record at offset 0")
        #expect(error.description
            == "malformed SPE record data at byte offset 9: unknown packet header 0x23 in the record at offset 0")
    }
}
