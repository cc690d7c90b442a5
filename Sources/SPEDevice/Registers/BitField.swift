/// A contiguous run of bits `[msb:lsb]` inside a 64-bit system register.
public struct BitField: Hashable, Sendable, CustomStringConvertible {
    /// The most significant bit of the field.
    public let msb: Int
    /// The least significant bit of the field.
    public let lsb: Int

    /// A field `[msb:lsb]`; `msb >= lsb`, both in `0...63`.
    public init(_ msb: Int, _ lsb: Int) {
        precondition(0 <= lsb && lsb <= msb && msb <= 63, "bit field [\(msb):\(lsb)] is outside a 64-bit register")
        self.msb = msb
        self.lsb = lsb
    }

    /// A one-bit field `[bit]`.
    public init(bit: Int) { self.init(bit, bit) }

    /// Number of bits in the field.
    public var width: Int { msb - lsb + 1 }

    /// The field's bits in place in the register.
    public var mask: UInt64 { (width == 64 ? ~0 : ((1 << UInt64(width)) - 1)) << UInt64(lsb) }

    /// The largest value the field holds.
    public var maxValue: UInt64 { mask >> UInt64(lsb) }

    /// The field's value, shifted down to bit 0.
    @inlinable public func extract(from raw: UInt64) -> UInt64 { (raw & mask) >> UInt64(lsb) }

    /// `raw` with the field set to `value`; bits of `value` beyond the field's width are dropped.
    @inlinable public func inserting(_ value: UInt64, into raw: UInt64) -> UInt64 {
        (raw & ~mask) | ((value << UInt64(lsb)) & mask)
    }

    public var description: String { msb == lsb ? "[\(msb)]" : "[\(msb):\(lsb)]" }
}
