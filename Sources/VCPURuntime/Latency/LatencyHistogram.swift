/// A latency histogram with bounded relative error: log-linear buckets (every power of two split
/// into ``subBuckets`` equal parts, values below ``subBuckets`` exact), exact count, min, max and
/// sum. Mergeable (a histogram per thread or per VCPU, merged for the total). Its memory is
/// bounded: its counts (``BucketCounts``) are sparse pairs while few buckets are used, then a
/// dense array up to the bucket of the largest value recorded, at most ``maximumBuckets`` (15 KiB)
/// whatever is recorded, about 8 KiB for seconds of nanoseconds; an empty histogram allocates
/// nothing. On request it also keeps cyclictest's 1 µs
/// ``LinearBuckets`` (`-h`), whose memory is fixed by their bound.
public struct LatencyHistogram: Hashable, Sendable {
    /// Buckets per power of two: a percentile is within 1/32 (3.2 %) above the value of its rank.
    public static let subBuckets: UInt64 = 32
    private static let subBits = 5

    private var counts = BucketCounts()
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// The smallest and largest value recorded (0 when empty).
    public private(set) var min: UInt64 = 0
    public private(set) var max: UInt64 = 0
    /// The sum of the values recorded (wrapping only past 2^64 ns, about 584 years).
    public private(set) var sum: UInt64 = 0
    /// cyclictest's 1 µs buckets, when asked for (nil otherwise).
    public private(set) var linear: LinearBuckets?

    /// The most buckets a histogram can hold (the bucket of `UInt64.max` is the last).
    public static let maximumBuckets = bucket(of: .max) + 1

    /// The percentiles the tool reports, with their keys: p50, p90, p99, p99.9 and p99.99.
    public static let reportedPercentiles: [(key: String, percent: Double)] = [
        ("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9), ("p99.99", 99.99),
    ]

    /// An empty histogram; with `linearBound`, it also keeps that many 1 µs linear buckets.
    public init(linearBound: Int? = nil) {
        linear = linearBound.map(LinearBuckets.init(bound:))
    }

    /// The arithmetic mean (0 when empty).
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// Records one value.
    public mutating func record(_ value: UInt64) {
        counts.add(1, at: Self.bucket(of: value))
        linear?.record(value, sample: count)
        min = count == 0 ? value : Swift.min(min, value)
        max = Swift.max(max, value)
        count += 1
        sum &+= value
    }

    /// Adds `other`'s values (a histogram per thread or per VCPU, merged for the total). Linear
    /// buckets of the same bound merge; an empty histogram takes `other`'s; otherwise the result
    /// keeps linear buckets only if both had them (they must count every value).
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        switch (linear, other.linear) {
        case (var mine?, let theirs?) where mine.bound == theirs.bound:
            mine.merge(theirs)
            linear = mine
        case (nil, let theirs?) where count == 0:
            linear = theirs
        case (nil, nil):
            break
        default:
            linear = nil
        }
        counts.add(other.counts)
        min = count == 0 ? other.min : Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        count += other.count
        sum &+= other.sum
    }

    /// The value at `percent` (0...100, to four decimals): the highest value of the bucket holding
    /// the value of that rank, kept within [min, max] (HdrHistogram's convention: a percentile never
    /// understates a latency), so p0 is the exact minimum, p100 the exact maximum, and a bucket that
    /// holds the maximum answers the maximum. 0 when empty. It is at least the value of that rank
    /// and at most 1/32 above it: a bucket is at most 1/32 of its values wide.
    public func percentile(_ percent: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        if percent <= 0 { return min }
        if percent >= 100 { return max }
        let rank = Self.rank(of: percent, count: count)
        var seen: UInt64 = 0
        for (index, n) in counts.nonEmpty {
            seen += n
            if seen >= rank { return Swift.min(Self.range(ofBucket: index).upperBound, max) }
        }
        return max
    }

    /// The rank (1-based) of the value at `percent` among `count` values: the smallest r with
    /// r/count ≥ percent/100. The percent is taken in millionths of the whole (four decimals) and
    /// the rank computed in integers, so p99.9 of 1000 values is rank 999, not 1000 as
    /// `ceil(0.999 * 1000)` gives in floating point.
    static func rank(of percent: Double, count: UInt64) -> UInt64 {
        let millionths = UInt64((percent * 10_000).rounded())
        let product = count.multipliedFullWidth(by: millionths)
        let (quotient, remainder) = UInt64(1_000_000).dividingFullWidth(product)
        return Swift.max(1, Swift.min(count, quotient + (remainder > 0 ? 1 : 0)))
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

    /// Whether the counts went dense (``BucketCounts``), for tests of its memory.
    var countsAreDense: Bool { counts.holdsDense }

    /// The non-empty buckets, in order: each bucket's values and how many fell in it.
    public var buckets: [(range: ClosedRange<UInt64>, count: UInt64)] {
        counts.nonEmpty.map { (Self.range(ofBucket: $0.index), $0.count) }
    }
}
