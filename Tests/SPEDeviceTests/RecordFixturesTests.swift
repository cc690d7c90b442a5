import Testing
@testable import SPEDevice

/// The model's own seeded generator, with the two draws the record tests use.
typealias RecordSplitMix64 = SplitMix64

extension SplitMix64 {
    /// A value in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func coin() -> Bool { next() & 1 == 1 }
}

/// Records and buffers the record tests share.
enum RecordFixtures {
    /// A branch with issue latency, a target and a timestamp; 37 bytes of packets.
    static let branchWithTimestamp = SPERecord(
        pc: 0x40_2000, exceptionLevel: 1, nonSecure: true,
        operation: OperationType(.branch, subclass: 0x01),
        events: [.retired, .mispredicted], totalLatency: 7, issueLatency: 3,
        branchTarget: 0x40_3000, timestamp: 0x1_0000_0002)

    /// Its packets, by hand: PC, operation type, Events, two counters, branch target, Timestamp.
    static let branchWithTimestampPackets: [[UInt8]] = [
        [0xB0, 0x00, 0x20, 0x40, 0x00, 0x00, 0x00, 0x00, 0xA0],  // NS=1, EL=1 in the top byte
        [0x4A, 0x01],
        [0x42, 0x82],
        [0x98, 0x07, 0x00],
        [0x99, 0x03, 0x00],
        [0xB1, 0x00, 0x30, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00],
        [0x71, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00],
    ]

    /// A load with a context, a saturating total latency, a data address and an End packet;
    /// 35 bytes of packets.
    static let loadWithContext = SPERecord(
        pc: 0x40_1000, exceptionLevel: 0, nonSecure: true,
        operation: OperationType(.loadStore, subclass: 0x00),
        events: [.retired, .l1dAccess, .llcAccess, .llcMiss], totalLatency: 5000,
        translationLatency: 12, dataVirtualAddress: 0x8000_1000, context: .el1(0x101))

    /// Its packets, by hand: PC, Context, operation type, two-byte Events, two counters, data
    /// address, End.
    static let loadWithContextPackets: [[UInt8]] = [
        [0xB0, 0x00, 0x10, 0x40, 0x00, 0x00, 0x00, 0x00, 0x80],  // NS=1, EL=0
        [0x64, 0x01, 0x01, 0x00, 0x00],
        [0x49, 0x00],
        [0x52, 0x06, 0x03],
        [0x98, 0xFF, 0x0F],  // 5000 saturates to 4095
        [0x9A, 0x0C, 0x00],
        [0xB2, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00],
        [0x01],
    ]

    /// `loadWithContext` as the decoder gives it back: the total latency saturated.
    static var loadWithContextDecoded: SPERecord {
        var record = loadWithContext
        record.totalLatency = 4095
        return record
    }

    /// The packets joined, then padded with zeros to `size` bytes.
    static func padded(_ packets: [[UInt8]], to size: Int) -> [UInt8] {
        let bytes = packets.flatMap { $0 }
        return bytes + [UInt8](repeating: 0, count: size - bytes.count)
    }

    /// A record with every field drawn from `rng`: all four classes, events of every payload
    /// width, counters above and below 4095, addresses of 56 bits, optional fields present or not.
    static func randomRecord(_ rng: inout RecordSplitMix64) -> SPERecord {
        func latency(_ rng: inout RecordSplitMix64) -> UInt16 {
            rng.below(4) == 0 ? UInt16(truncatingIfNeeded: rng.next()) : UInt16(rng.below(4096))
        }
        let eventsWidth: [UInt64] = [0xFF, 0x3FF, 0xFFFF_FFFF, .max]
        let events = SampleEvents(rawValue: rng.next() & eventsWidth[rng.below(4)])
        let address = { (rng: inout RecordSplitMix64) in rng.next() & RecordPacket.addressMask }
        var record = SPERecord(
            pc: address(&rng), exceptionLevel: UInt8(rng.below(4)), nonSecure: rng.coin(),
            operation: OperationType(
                OperationClass(rawValue: UInt8(rng.below(4))), subclass: UInt8(truncatingIfNeeded: rng.next())),
            events: events, totalLatency: latency(&rng))
        if rng.coin() { record.issueLatency = latency(&rng) }
        if rng.coin() { record.translationLatency = latency(&rng) }
        if rng.coin() { record.dataVirtualAddress = address(&rng) }
        if rng.coin() { record.branchTarget = address(&rng) }
        switch rng.below(3) {
        case 0: record.context = .el1(UInt32(truncatingIfNeeded: rng.next()))
        case 1: record.context = .el2(UInt32(truncatingIfNeeded: rng.next()))
        default: break
        }
        if rng.coin() { record.timestamp = rng.next() }
        return record
    }

    /// What a record decodes as after encoding: counters saturated at 4095.
    static func saturated(_ record: SPERecord) -> SPERecord {
        var record = record
        record.totalLatency = min(record.totalLatency, 4095)
        record.issueLatency = record.issueLatency.map { min($0, 4095) }
        record.translationLatency = record.translationLatency.map { min($0, 4095) }
        return record
    }
}

@Suite struct RecordFixturesTests {
    @Test func splitMix64MatchesTheReferenceSequence() {
        var rng = RecordSplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func handWrittenPacketsHaveTheSizesTheEncoderComputes() {
        #expect(RecordFixtures.branchWithTimestampPackets.joined().count == 37)
        #expect(RecordEncoder.unpaddedSize(of: RecordFixtures.branchWithTimestamp) == 37)
        #expect(RecordFixtures.loadWithContextPackets.joined().count == 35)
        #expect(RecordEncoder.unpaddedSize(of: RecordFixtures.loadWithContext) == 35)
    }
}
