/// A latency histogram with bounded relative error: log-linear buckets (every power of two split
/// into ``subBuckets`` equal parts, values below ``subBuckets`` exact), exact count, min, max and
/// sum. Mergeable, and its memory grows only up to the bucket of the largest value recorded (a few
/// KiB for seconds of nanoseconds); an empty histogram allocates nothing.
public struct LatencyHistogram: Hashable, Sendable {
    /// Buckets per power of two: a percentile is within 1/32 (3.2 %) of a recorded value.
    public static let subBuckets: UInt64 = 32
    private static let subBits = 5

    private var counts: [UInt64] = []
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// The smallest and largest value recorded (0 when empty).
    public private(set) var min: UInt64 = 0
    public private(set) var max: UInt64 = 0
    /// The sum of the values recorded (wrapping only past 2^64 ns, about 584 years).
    public private(set) var sum: UInt64 = 0

    public init() {}

    /// The arithmetic mean (0 when empty).
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// Records one value.
    public mutating func record(_ value: UInt64) {
        let index = Self.bucket(of: value)
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
        counts[index] += 1
        min = count == 0 ? value : Swift.min(min, value)
        max = Swift.max(max, value)
        count += 1
        sum &+= value
    }

    /// Adds `other`'s values (a histogram per thread or per VCPU, merged for the total).
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        if other.counts.count > counts.count {
            counts.append(contentsOf: repeatElement(0, count: other.counts.count - counts.count))
        }
        for (index, n) in other.counts.enumerated() { counts[index] += n }
        min = count == 0 ? other.min : Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        count += other.count
        sum &+= other.sum
    }

    /// The value at `percent` (0...100): the middle of the bucket holding it, kept within
    /// [min, max], so p0 is the exact minimum and p100 the exact maximum. 0 when empty.
    public func percentile(_ percent: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if percent <= 0 { return min }
        if percent >= 100 { return max }
        // The rank of the value wanted, 1-based: the smallest rank r with r/count ≥ percent/100.
        let rank = Swift.max(1, UInt64((percent / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank {
                let range = Self.range(ofBucket: index)
                let middle = range.lowerBound + (range.upperBound - range.lowerBound) / 2
                return Swift.min(Swift.max(middle, min), max)
            }
        }
        return max
    }

    /// The bucket of `value`.
    static func bucket(of value: UInt64) -> Int {
        if value < subBuckets { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount  // ≥ subBits
        let shift = exponent - subBits
        let mantissa = Int((value >> UInt64(shift)) & (subBuckets - 1))
        return (shift + 1) * Int(subBuckets) + mantissa
    }

    /// The values of bucket `index`: `lowerBound...upperBound`.
    static func range(ofBucket index: Int) -> ClosedRange<UInt64> {
        let sub = Int(subBuckets)
        if index < sub { return UInt64(index)...UInt64(index) }
        let shift = index / sub - 1
        let mantissa = UInt64(index % sub)
        let lower = (subBuckets + mantissa) << UInt64(shift)
        let width = UInt64(1) << UInt64(shift)
        return lower...(lower &+ (width - 1))
    }

    /// The non-empty buckets, in order: each bucket's values and how many fell in it.
    public var buckets: [(range: ClosedRange<UInt64>, count: UInt64)] {
        counts.enumerated().compactMap { index, n in n == 0 ? nil : (Self.range(ofBucket: index), n) }
    }
}
