/// One latency kind's samples: their histogram, the last value (cyclictest's `Act`) and the
/// platform time at which the largest one ended (`perf sched latency`'s "max delay at").
public struct LatencySeries: Hashable, Sendable {
    /// The values recorded.
    public private(set) var histogram: LatencyHistogram
    /// The value recorded last (after a merge: the last of the series merged in, if it had any).
    public private(set) var last: UInt64 = 0
    /// When the largest value ended, in platform time (0 when empty); it started ``maxStart``.
    public private(set) var maxEnd: UInt64 = 0

    /// An empty series; with `linearBound`, its histogram keeps cyclictest's 1 µs buckets.
    public init(linearBound: Int? = nil) {
        histogram = LatencyHistogram(linearBound: linearBound)
    }

    /// When the largest value started, in platform time.
    public var maxStart: UInt64 { maxEnd &- histogram.max }

    /// Records `value`, a latency that ended at platform time `end`.
    public mutating func record(_ value: UInt64, endingAt end: UInt64) {
        if histogram.count == 0 || value > histogram.max { maxEnd = end }
        histogram.record(value)
        last = value
    }

    /// Adds `other`'s samples.
    public mutating func merge(_ other: LatencySeries) {
        guard other.histogram.count > 0 else { return }
        if histogram.count == 0 || other.histogram.max > histogram.max { maxEnd = other.maxEnd }
        histogram.merge(other.histogram)
        last = other.last
    }

    /// Replaces the histogram (a report built by hand); the last value and the maximum's time
    /// follow it as well as they can.
    mutating func replaceHistogram(_ replacement: LatencyHistogram) {
        histogram = replacement
        last = replacement.max
        maxEnd = replacement.max
    }
}

/// Which latencies keep cyclictest's 1 µs linear buckets, and how many (`spe-vm latency
/// --histogram US`). Only these kinds pay for them: a bucket is 8 bytes per VCPU.
public struct LinearBucketRequest: Hashable, Sendable {
    /// Buckets of 1 µs (1 ... ``LinearBuckets/maximumBound``).
    public var bound: Int
    /// The kinds that keep them.
    public var kinds: [LatencyKind]

    /// `bound` buckets of 1 µs for `kinds` (the timer latency, cyclictest's number, by default).
    public init(bound: Int, kinds: [LatencyKind] = [.timer]) {
        self.bound = bound
        self.kinds = kinds
    }
}

/// A VCPU's or a run's latencies by kind. A kind's series exists once it has a sample, so only the
/// kinds a run records take memory; everything is listed in ``LatencyKind`` order, never in
/// hashing order.
public struct LatencyFigures: Hashable, Sendable {
    /// The series at each kind's ``LatencyKind/index``, empty until the first sample; a kind without
    /// samples has an empty series, which takes its linear buckets (if asked for) with its first
    /// sample. Exits record three latencies each, so a record is an index into series held in
    /// place, not a hash of the kind nor a copy of an optional.
    private var series: [LatencySeries] = []
    /// The kinds that keep cyclictest's linear buckets, if any.
    public let linearBuckets: LinearBucketRequest?

    /// No latency yet; `linearBuckets` says which kinds will keep cyclictest's buckets.
    public init(linearBuckets: LinearBucketRequest? = nil) {
        self.linearBuckets = linearBuckets
    }

    /// The kinds with samples, in report order.
    public var kinds: [LatencyKind] { LatencyKind.allCases.filter { self[$0] != nil } }

    /// The series of `kind` (nil: no sample).
    public subscript(kind: LatencyKind) -> LatencySeries? {
        guard !series.isEmpty, series[kind.index].histogram.count > 0 else { return nil }
        return series[kind.index]
    }

    /// The histogram of `kind` (empty when it has no sample).
    public func histogram(_ kind: LatencyKind) -> LatencyHistogram {
        self[kind]?.histogram ?? LatencyHistogram()
    }

    /// Records a latency of `kind` that ended at platform time `end`.
    public mutating func record(_ kind: LatencyKind, _ value: UInt64, endingAt end: UInt64) {
        let index = firstSample(kind)
        series[index].record(value, endingAt: end)
    }

    /// Adds `other`'s samples, kind by kind (a VCPU's into the run's).
    public mutating func merge(_ other: LatencyFigures) {
        for kind in other.kinds {
            guard let theirs = other[kind] else { continue }
            series[firstSample(kind)].merge(theirs)
        }
    }

    /// Sets `kind`'s histogram (a report built by hand); an empty one removes the kind.
    mutating func setHistogram(_ histogram: LatencyHistogram, for kind: LatencyKind) {
        guard histogram.count > 0 else {
            if !series.isEmpty { series[kind.index] = LatencySeries() }
            return
        }
        series[firstSample(kind)].replaceHistogram(histogram)
    }

    /// The index of `kind`'s series, ready for a sample: a series without samples is made anew with
    /// the linear buckets its kind keeps.
    private mutating func firstSample(_ kind: LatencyKind) -> Int {
        if series.isEmpty { series = Array(repeating: LatencySeries(), count: LatencyKind.allCases.count) }
        let index = kind.index
        if series[index].histogram.count == 0 {
            series[index] = LatencySeries(linearBound: linearBuckets.flatMap { $0.kinds.contains(kind) ? $0.bound : nil })
        }
        return index
    }

    // Equal when they hold the same samples: a kind never recorded and one whose series was
    // removed are the same.
    public static func == (a: LatencyFigures, b: LatencyFigures) -> Bool {
        a.linearBuckets == b.linearBuckets && LatencyKind.allCases.allSatisfy { a[$0] == b[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(linearBuckets)
        for kind in LatencyKind.allCases { hasher.combine(self[kind]) }
    }
}
