/// The maximum buffer size a VMM gives a VCPU, and its `PMBIDR_EL1.MaxBuffSize` encoding:
/// `M` = bits [8:0], `E` = bits [13:9]; the limit is `M × 4 KiB` when `E = 0`, otherwise
/// `(512 + M) << (E + 11)` bytes; 0 means no limit.
public struct MaxBufferSize: Hashable, Sendable, CustomStringConvertible {
    /// The limit in bytes; 0 means no limit.
    public let bytes: UInt64
    /// The `MaxBuffSize` field value.
    public let field: UInt64

    /// No limit.
    public static let unlimited = MaxBufferSize(bytes: 0, field: 0)

    private init(bytes: UInt64, field: UInt64) {
        self.bytes = bytes
        self.field = field
    }

    /// The size `bytes`, or an error when it is not exactly representable (**model decision**:
    /// refused rather than rounded).
    public init(bytes: UInt64) throws(SPEDeviceError) {
        if bytes == 0 {
            self = .unlimited
            return
        }
        guard bytes % 4096 == 0 else { throw .maxBufferSizeNotRepresentable(bytes) }
        if bytes / 4096 <= 511 {
            self.init(bytes: bytes, field: bytes / 4096)
            return
        }
        for e in UInt64(1)...31 {
            let shift = e + 11
            guard bytes.trailingZeroBitCount >= Int(shift) else { break }
            let units = bytes >> shift
            if units >= 512 && units <= 1023 {
                self.init(bytes: bytes, field: e << 9 | (units - 512))
                return
            }
        }
        throw .maxBufferSizeNotRepresentable(bytes)
    }

    /// The size a `MaxBuffSize` field value stands for (`UInt64.max` if it does not fit 64 bits).
    public static func decode(field: UInt64) -> UInt64 {
        let m = field & 0x1FF
        let e = (field >> 9) & 0x1F
        if e == 0 { return m * 4096 }
        let shift = e + 11
        let units = 512 + m
        guard units.leadingZeroBitCount > Int(shift) else { return UInt64.max }
        return units << shift
    }

    public var description: String { bytes == 0 ? "unlimited" : "\(bytes) bytes" }
}
