import Testing
@testable import SPEDevice

/// Random and mutated buffers: the decoder returns or throws `malformedRecord`, never traps, and
/// what it returns is consistent with the bytes.
@Suite struct RecordFuzzTests {
    static let seeds: [UInt64] = Array(0..<16) + [0xDEAD_BEEF, 0x5EED_5EED_5EED_5EED, .max]

    /// Every header byte the decoder knows, plus near misses, so random bytes get past the first packet.
    static let headers: [UInt8] = [
        0x00, 0x01, 0x71, 0x64, 0x65, 0x42, 0x52, 0x62, 0x72, 0x48, 0x49, 0x4A, 0x4B,
        0xB0, 0xB1, 0xB2, 0xB3, 0x98, 0x99, 0x9A, 0x9B, 0x02, 0x70, 0xB4,
    ]

    @Test(arguments: seeds)
    func randomBytesDecodeOrThrow(seed: UInt64) {
        var rng = RecordSplitMix64(seed: seed)
        for _ in 0..<300 {
            var bytes: [UInt8] = rng.coin() ? [0xB0] : []
            for _ in 0..<rng.below(200) {
                bytes.append(
                    rng.coin() ? Self.headers[rng.below(Self.headers.count)] : UInt8(truncatingIfNeeded: rng.next()))
            }
            Self.checkDecoding(bytes)
        }
    }

    @Test(arguments: seeds)
    func mutatedValidBuffersDecodeOrThrow(seed: UInt64) {
        var rng = RecordSplitMix64(seed: seed)
        for _ in 0..<200 {
            let alignment = [1, 16, 64][rng.below(3)]
            var bytes: [UInt8] = []
            for _ in 0...rng.below(4) {
                RecordEncoder.encode(RecordFixtures.randomRecord(&rng), alignment: alignment, maxSize: 64, into: &bytes)
            }
            switch rng.below(4) {
            case 0:
                for _ in 0...rng.below(4) { bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1:
                bytes.removeLast(rng.below(bytes.count + 1))
            case 2:
                bytes.insert(Self.headers[rng.below(Self.headers.count)], at: rng.below(bytes.count + 1))
            default:
                bytes.remove(at: rng.below(bytes.count))
            }
            Self.checkDecoding(bytes)
        }
    }

    /// Decodes `bytes` every way and checks what comes back against the bytes.
    static func checkDecoding(_ bytes: [UInt8]) {
        for maxSize in [16, 64] {
            var strict: [DecodedRecord]? = nil
            for allowTruncatedTail in [false, true] {
                do throws(SPEDeviceError) {
                    let records = try RecordDecoder.decode(
                        bytes, maxSize: maxSize, allowTruncatedTail: allowTruncatedTail)
                    checkConsistent(records, with: bytes, maxSize: maxSize, allowTruncatedTail: allowTruncatedTail)
                    if let strict { #expect(records == strict) } else { strict = records }
                } catch {
                    guard case .malformedRecord(let offset, let reason) = error else { return }
                    #expect((0...bytes.count).contains(offset))
                    #expect(!reason.isEmpty)
                }
            }
        }
    }

    static func checkConsistent(
        _ records: [DecodedRecord], with bytes: [UInt8], maxSize: Int, allowTruncatedTail: Bool
    ) {
        var end = 0  // first byte after the previous record
        for (index, decoded) in records.enumerated() {
            #expect(decoded.offset >= end)
            #expect(bytes[end..<decoded.offset].allSatisfy { $0 == 0 })  // only padding between records
            #expect(bytes[decoded.offset] == 0xB0)
            #expect((1...maxSize).contains(decoded.size))
            end = decoded.offset + decoded.size
            #expect(end <= bytes.count)
            if decoded.truncated {
                #expect(allowTruncatedTail)
                #expect(index == records.count - 1)
                #expect(end == bytes.count)
            } else {
                // Each field came from a packet at least as large as the encoder would write.
                #expect(RecordEncoder.unpaddedSize(of: decoded.record) <= decoded.size)
                #expect([0x01, 0x71].contains(bytes[end - (decoded.record.timestamp == nil ? 1 : 9)]))
            }
        }
        #expect(bytes[end...].allSatisfy { $0 == 0 })
    }
}
