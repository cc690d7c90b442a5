import Testing

import SPEDevice
@testable import VCPURuntime

/// The latency histogram: exact count, min, max and sum; percentiles at most 1/32 above the value
/// of their rank, never below; merging equal to recording everything in one; bounded memory; cyclictest's linear
/// buckets when asked for.
@Suite struct LatencyHistogramTests {
    /// The value of rank `rank` (1-based) in `sorted`.
    static func exact(_ sorted: [UInt64], percent: Double) -> UInt64 {
        sorted[Int(LatencyHistogram.rank(of: percent, count: UInt64(sorted.count))) - 1]
    }

    static func histogram(_ values: [UInt64], linearBound: Int? = nil) -> LatencyHistogram {
        var histogram = LatencyHistogram(linearBound: linearBound)
        for value in values { histogram.record(value) }
        return histogram
    }

    /// Seeded values spread over nine decades (1 ns to 1 s), log-uniformly.
    static func spread(_ count: Int, seed: UInt64) -> [UInt64] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let exponent = random.next() % 30
            return (UInt64(1) << exponent) + random.next() % (UInt64(1) << exponent)
        }
    }

    @Test func anEmptyHistogramIsZeroAndAllocatesNothing() {
        let empty = LatencyHistogram()
        #expect(empty.count == 0 && empty.min == 0 && empty.max == 0 && empty.mean == 0)
        #expect(empty.percentile(99) == 0)
        #expect(empty.buckets.isEmpty)
        #expect(empty.linear == nil)
    }

    @Test func countMinMaxSumAndMeanAreExact() {
        let values = Self.spread(10_000, seed: 3)
        let histogram = Self.histogram(values)
        #expect(histogram.count == 10_000)
        #expect(histogram.min == values.min())
        #expect(histogram.max == values.max())
        #expect(histogram.sum == values.reduce(0, +))
        #expect(histogram.mean == Double(values.reduce(0, +)) / 10_000)
        #expect(histogram.percentile(0) == values.min())
        #expect(histogram.percentile(100) == values.max())
    }

    /// Every percentile, of values over nine decades, is at least the exact value of its rank and
    /// at most 1/32 above it (the top of its bucket, a bucket being at most 1/32 of its values wide).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func percentilesAreWithinTheRelativeErrorBound(seed: UInt64) {
        let values = Self.spread(20_000, seed: seed)
        let sorted = values.sorted()
        let histogram = Self.histogram(values)
        var worst = 0.0
        for percent in stride(from: 0.5, through: 99.99, by: 0.37) + [50, 90, 99, 99.9, 99.99] {
            let exact = Self.exact(sorted, percent: percent)
            let estimate = histogram.percentile(percent)
            #expect(estimate >= exact, "p\(percent): \(estimate) for \(exact)")
            let error = (Double(estimate) - Double(exact)) / Double(exact)
            worst = max(worst, error)
            #expect(error <= 1.0 / 32, "p\(percent): \(estimate) for \(exact)")
        }
        #expect(worst > 0, "the values should not all fall in exact buckets")
    }

    /// Values below 32 ns have a bucket each: their percentiles are exact.
    @Test func smallValuesAreExact() {
        let values = (0..<1_000).map { UInt64($0 % 32) }
        let sorted = values.sorted()
        let histogram = Self.histogram(values)
        for (_, percent) in LatencyHistogram.reportedPercentiles {
            #expect(histogram.percentile(percent) == Self.exact(sorted, percent: percent))
        }
    }

    /// Percentiles of known distributions: 1 ... 1000 µs uniformly, each once: p50 is 500 µs, p90
    /// 900 µs, p99 990 µs, p99.9 999 µs (rank 999, not 1000), p99.99 1000 µs, each within 1/32 above.
    @Test func percentilesOfAUniformDistribution() {
        let histogram = Self.histogram((1...1_000).map { UInt64($0) * 1_000 })
        let expected: [(Double, UInt64)] = [(50, 500_000), (90, 900_000), (99, 990_000), (99.9, 999_000), (99.99, 1_000_000)]
        for (percent, value) in expected {
            let estimate = histogram.percentile(percent)
            #expect(estimate >= value && Double(estimate - value) <= Double(value) / 32, "p\(percent): \(estimate)")
        }
        #expect(LatencyHistogram.rank(of: 99.9, count: 1_000) == 999)
        #expect(LatencyHistogram.rank(of: 99.99, count: 1_000) == 1_000)
        #expect(LatencyHistogram.rank(of: 50, count: 1) == 1)
        #expect(LatencyHistogram.rank(of: 0.0001, count: 10) == 1)
    }

    /// One value throughout: every percentile is that value, exactly.
    @Test func percentilesOfAConstantAreExact() {
        let histogram = Self.histogram(Array(repeating: 500, count: 100))
        for (_, percent) in LatencyHistogram.reportedPercentiles { #expect(histogram.percentile(percent) == 500) }
    }

    /// A bimodal distribution: 99 % at 1 µs, 1 % at 1 ms. p99 is still 1 µs (the top of its bucket,
    /// 1007 ns), p99.9 is 1 ms (the maximum, in the last bucket).
    @Test func percentilesOfATail() {
        let values = Array(repeating: UInt64(1_000), count: 9_900) + Array(repeating: 1_000_000, count: 100)
        let histogram = Self.histogram(values)
        #expect(LatencyHistogram.range(ofBucket: LatencyHistogram.bucket(of: 1_000)) == 992...1_007)
        #expect(histogram.percentile(50) == 1_007)
        #expect(histogram.percentile(99) == 1_007)
        #expect(histogram.percentile(99.9) == 1_000_000)
        #expect(histogram.percentile(99.99) == 1_000_000)
    }

    /// Merging per-thread histograms gives the histogram of all the values, whatever the split.
    @Test(arguments: [1, 2, 7, 64])
    func mergingEqualsRecordingEverything(parts: Int) {
        let values = Self.spread(5_000, seed: 11)
        var merged = LatencyHistogram()
        for part in 0..<parts {
            merged.merge(Self.histogram(values.enumerated().filter { $0.offset % parts == part }.map(\.element)))
        }
        #expect(merged == Self.histogram(values))
        var empty = LatencyHistogram()
        empty.merge(LatencyHistogram())
        #expect(empty == LatencyHistogram())
    }

    /// Memory is bounded whatever is recorded: at most one bucket per 32nd of a power of two.
    @Test func memoryIsBounded() {
        #expect(LatencyHistogram.maximumBuckets == 1_920)
        var histogram = LatencyHistogram()
        histogram.record(.max)
        histogram.record(0)
        #expect(histogram.buckets.count == 2)
        #expect(histogram.buckets.last?.range.upperBound == .max)
        #expect(histogram.percentile(100) == .max)
        #expect(LatencyHistogram.bucket(of: .max) == LatencyHistogram.maximumBuckets - 1)
    }

    /// Every value falls in its own bucket's range, and bucket ranges tile the numbers.
    @Test func bucketsTileTheValues() {
        var previous: UInt64?
        for index in 0..<LatencyHistogram.maximumBuckets {
            let range = LatencyHistogram.range(ofBucket: index)
            if let previous { #expect(range.lowerBound == previous + 1) }
            #expect(LatencyHistogram.bucket(of: range.lowerBound) == index)
            #expect(LatencyHistogram.bucket(of: range.upperBound) == index)
            // A bucket is at most 1/32 of its values wide.
            #expect((range.upperBound - range.lowerBound) <= range.lowerBound / 32)
            previous = range.upperBound
        }
        #expect(previous == .max)
    }

    /// cyclictest's `-h`: bucket i counts [i, i + 1) µs; values at or past the bound overflow, the
    /// first sample numbers of overflows kept.
    @Test func linearBucketsAreCyclictests() throws {
        let histogram = Self.histogram([0, 999, 1_000, 1_999, 2_500, 9_999, 10_000, 50_000], linearBound: 10)
        let linear = try #require(histogram.linear)
        #expect(linear.bound == 10)
        #expect(linear.counts == [2, 2, 1, 0, 0, 0, 0, 0, 0, 1])
        #expect(linear.overflows == 2)
        #expect(linear.outliers == [6, 7])
        #expect(histogram.count == 8)
    }

    @Test func linearBucketsKeepABoundedListOfOverflows() throws {
        let histogram = Self.histogram(Array(repeating: 5_000, count: 40), linearBound: 1)
        let linear = try #require(histogram.linear)
        #expect(linear.overflows == 40)
        #expect(linear.outliers == (0..<UInt64(LinearBuckets.outlierLimit)).map { $0 })
    }

    @Test func linearBucketsMerge() throws {
        var a = Self.histogram([100, 1_500, 30_000], linearBound: 20)
        a.merge(Self.histogram([1_200, 25_000], linearBound: 20))
        let linear = try #require(a.linear)
        #expect(linear.counts[0] == 1 && linear.counts[1] == 2)
        #expect(linear.overflows == 2)
        #expect(linear.counts.reduce(0, +) + linear.overflows == a.count)
        // An empty histogram takes the other's buckets; a histogram without them drops them.
        var empty = LatencyHistogram()
        empty.merge(a)
        #expect(empty.linear == a.linear)
        var plain = Self.histogram([1])
        plain.merge(a)
        #expect(plain.linear == nil)
    }

    /// A series keeps the last value and when its largest ended; merging keeps the largest's time.
    @Test func seriesKeepTheLastValueAndTheMaximumsTime() throws {
        var series = LatencySeries()
        series.record(5, endingAt: 100)
        series.record(9, endingAt: 200)
        series.record(3, endingAt: 300)
        #expect(series.last == 3)
        #expect(series.maxEnd == 200 && series.maxStart == 191)
        var other = LatencySeries()
        other.record(20, endingAt: 1_000)
        series.merge(other)
        #expect(series.maxEnd == 1_000 && series.histogram.max == 20 && series.histogram.count == 4)
        var figures = LatencyFigures(linearBuckets: LinearBucketRequest(bound: 100))
        figures.record(.timer, 1_500, endingAt: 10)
        figures.record(.exit, 500, endingAt: 10)
        #expect(figures.kinds == [.timer, .exit])
        #expect(figures[.timer]?.histogram.linear?.counts[1] == 1)
        #expect(figures[.exit]?.histogram.linear == nil)
        #expect(figures[.kick] == nil)
    }

    /// Every kind has its own series, listed in report order whatever order they were recorded in;
    /// a kind whose series was removed is as if never recorded.
    @Test func figuresKeepEveryKindApart() {
        var figures = LatencyFigures()
        for (n, kind) in LatencyKind.allCases.reversed().enumerated() {
            for _ in 0...n { figures.record(kind, UInt64(n), endingAt: 1) }
        }
        #expect(figures.kinds == LatencyKind.allCases)
        #expect(LatencyKind.allCases.map { figures[$0]?.histogram.count } == [8, 7, 6, 5, 4, 3, 2, 1])
        #expect(LatencyKind.allCases.sorted(by: >) == LatencyKind.allCases.reversed())
        var one = LatencyFigures()
        one.record(.kick, 3, endingAt: 1)
        one.setHistogram(LatencyHistogram(), for: .kick)
        #expect(one == LatencyFigures())
        #expect(one.kinds == [])
    }
}

/// The histogram's counts are sparse pairs while few buckets are used, dense once that is smaller
/// (``BucketCounts``): the form never shows in what it says.
@Suite struct BucketCountsTests {
    static func histogram(_ values: [UInt64]) -> LatencyHistogram {
        var h = LatencyHistogram()
        for value in values { h.record(value) }
        return h
    }

    /// A few samples over a wide range stay sparse: an idle VCPU's latencies cost a few pairs, not
    /// a count for every bucket up to the largest.
    @Test func fewWideSamplesStaySparse() {
        let h = Self.histogram([0, 500, 100_000, 1_000_000_000])
        #expect(!h.countsAreDense)
        #expect(h.buckets.map(\.count) == [1, 1, 1, 1])
        #expect(h.buckets.map(\.range.lowerBound) == [0, 496, 98_304, 989_855_744])
        #expect(h.percentile(50) == 503)
    }

    /// Once there are 8 pairs and they would take more than the dense counts, the counts go dense.
    @Test func denseSamplesGoDense() {
        // 7 pairs (112 bytes) stay sparse though 7 counts (56 bytes) would be smaller.
        #expect(!Self.histogram(Array(0..<7)).countsAreDense)
        // 8 pairs (128 bytes) against 8 counts (64 bytes): dense.
        #expect(Self.histogram(Array(0..<8)).countsAreDense)
        // 8 buckets up to bucket 190 (1,000 ns): 128 bytes of pairs against 1,528 of counts: sparse.
        #expect(!Self.histogram(Array(0..<7) + [1_000]).countsAreDense)
        // 64 values 1 µs apart use 64 buckets up to bucket 381: 64 pairs (1,024 bytes) beat 382
        // counts (3,056): sparse; every value from 0 to 199 fills its 114 buckets: dense.
        #expect(!Self.histogram(Array(0..<64).map { UInt64($0) * 1_000 }).countsAreDense)
        #expect(Self.histogram(Array(0..<200)).countsAreDense)
    }

    /// The same values give equal, equally hashed histograms whichever form their counts took:
    /// recorded largest first the counts stay sparse, smallest first they go dense at once.
    @Test func theFormDoesNotShow() {
        let values: [UInt64] = [1_000] + Array(0..<32)
        let sparse = Self.histogram(values)
        let dense = Self.histogram(values.reversed())
        #expect(!sparse.countsAreDense)
        #expect(dense.countsAreDense)
        #expect(sparse == dense)
        #expect(sparse.hashValue == dense.hashValue)
        #expect(sparse.buckets.map(\.count) == dense.buckets.map(\.count))
        #expect(sparse.percentile(99) == dense.percentile(99))
        var merged = LatencyHistogram()
        merged.merge(sparse)
        merged.merge(dense)
        #expect(merged == Self.histogram(values + values))
        #expect(sparse != Self.histogram(values.dropLast()))
    }
}
