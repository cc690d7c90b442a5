import Testing
@testable import SPEDevice

/// `PMBIDR_EL1.MaxBuffSize`: `M × 4 KiB` when `E = 0`, else `(512 + M) << (E + 11)`.
@Suite struct MaxBufferSizeTests {
    static let cases: [(UInt64, UInt64)] = [
        (0, 0),
        (4096, 1),
        (511 * 4096, 511),
        (2 * 1024 * 1024, 0x200),  // E=1, M=0
        (2 * 1024 * 1024 + 4096, 0x201),  // E=1 counts in 4 KiB steps
        (4 * 1024 * 1024 - 4096, 0x3FF),  // E=1, M=511
        (4 * 1024 * 1024, 0x400),  // E=2, M=0
        (4 * 1024 * 1024 + 8192, 0x401),  // E=2 counts in 8 KiB steps
        (1 << 30, 10 << 9),  // 1 GiB = 512 << 21: E=10, M=0
        (1023 << 42, 31 << 9 | 511),  // the largest
    ]

    @Test(arguments: cases)
    func encodes(bytes: UInt64, field: UInt64) throws {
        let size = try MaxBufferSize(bytes: bytes)
        #expect(size.field == field)
        #expect(size.bytes == bytes)
        #expect(MaxBufferSize.decode(field: field) == bytes)
    }

    @Test func decodeOfEncodeIsIdentity() throws {
        var sizes: [UInt64] = (1...511).map { $0 * 4096 }
        for e in UInt64(1)...31 {
            for m in [UInt64(0), 1, 255, 511] { sizes.append((512 + m) << (e + 11)) }
        }
        for bytes in sizes {
            let size = try MaxBufferSize(bytes: bytes)
            #expect(MaxBufferSize.decode(field: size.field) == bytes, "\(bytes)")
        }
    }

    @Test func unlimitedIsZero() throws {
        #expect(try MaxBufferSize(bytes: 0) == .unlimited)
        #expect(MaxBufferSize.unlimited.description == "unlimited")
        #expect(try MaxBufferSize(bytes: 8192).description == "8192 bytes")
    }

    static let refused: [UInt64] = [
        1, 4095, 4097, 6000,  // not multiples of 4 KiB
        4 * 1024 * 1024 + 4096,  // between two E=2 steps
        8 * 1024 * 1024 + 8192,  // between two E=3 steps
    ]

    @Test(arguments: refused)
    func refusesSizesItCannotShow(bytes: UInt64) {
        #expect(throws: SPEDeviceError.maxBufferSizeNotRepresentable(bytes)) { try MaxBufferSize(bytes: bytes) }
    }

    @Test func refusalMessage() {
        #expect(
            SPEDeviceError.maxBufferSizeNotRepresentable(4_198_400).description
                == "maximum buffer size 4198400 cannot be shown in PMBIDR_EL1.MaxBuffSize: use 0 (no limit), "
                + "a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes with M 0-511, E 1-31")
    }
}
