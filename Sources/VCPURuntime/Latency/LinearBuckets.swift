/// cyclictest's `-h` histogram: one bucket per microsecond from 0 up to a bound, and an overflow
/// count for values at or past it, with the sample numbers of the first overflows (cyclictest's
/// "Histogram Overflow at cycle number"). Its memory is fixed by the bound (8 bytes a bucket), so a
/// ``LatencyHistogram`` keeps one only when asked.
public struct LinearBuckets: Hashable, Sendable {
    /// Buckets: bucket `i` counts values in `[i, i + 1)` µs.
    public let bound: Int
    /// The counts, bucket by bucket.
    public private(set) var counts: [UInt64]
    /// Values at or past ``bound`` µs.
    public private(set) var overflows: UInt64 = 0
    /// The sample numbers (from 0, in recording order) of the first ``outlierLimit`` overflows.
    public private(set) var outliers: [UInt64] = []

    /// Overflow sample numbers kept (cyclictest keeps a bounded list too, and says how many others).
    public static let outlierLimit = 16
    /// The largest bound accepted (cyclictest's `HIST_MAX`).
    public static let maximumBound = 1_000_000

    /// `bound` buckets of 1 µs (1 ... ``maximumBound``).
    public init(bound: Int) {
        precondition((1...Self.maximumBound).contains(bound), "a linear histogram has 1 to \(Self.maximumBound) buckets")
        self.bound = bound
        counts = Array(repeating: 0, count: bound)
    }

    /// Records `nanoseconds`, the `sample`-th value of its histogram.
    mutating func record(_ nanoseconds: UInt64, sample: UInt64) {
        let microseconds = nanoseconds / 1_000
        if microseconds < UInt64(bound) {
            counts[Int(microseconds)] += 1
        } else {
            overflows += 1
            if outliers.count < Self.outlierLimit { outliers.append(sample) }
        }
    }

    /// Adds `other`'s counts (same bound); its outliers' sample numbers are its own, so they are
    /// kept only while the list has room.
    mutating func merge(_ other: LinearBuckets) {
        precondition(other.bound == bound, "linear histograms of different bounds do not merge")
        for index in counts.indices { counts[index] += other.counts[index] }
        overflows += other.overflows
        outliers += other.outliers.prefix(Self.outlierLimit - outliers.count)
    }
}
