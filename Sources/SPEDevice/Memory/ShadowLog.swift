/// The SPE unit's out-of-band record of which context wrote which bytes of an address space:
/// sorted, disjoint intervals, each with its writer; a later write over the same bytes replaces
/// the earlier writer.
public struct ShadowLog: Hashable, Sendable {
    /// One run of bytes written by one context.
    public struct Run: Hashable, Sendable {
        public var range: Range<UInt64>
        public var writer: ProfilingContext
    }

    /// The runs, sorted and disjoint; adjacent runs of the same writer are merged.
    public private(set) var runs: [Run] = []

    public init() {}

    /// Notes that `writer` wrote `range`.
    public mutating func record(_ range: Range<UInt64>, by writer: ProfilingContext) {
        guard !range.isEmpty else { return }
        // Fast path: the unit writes sequentially, so most writes extend the last run.
        if let last = runs.last, last.range.upperBound <= range.lowerBound {
            if last.range.upperBound == range.lowerBound && last.writer == writer {
                runs[runs.count - 1].range = last.range.lowerBound..<range.upperBound
            } else {
                runs.append(Run(range: range, writer: writer))
            }
            return
        }
        var kept: [Run] = []
        kept.reserveCapacity(runs.count + 2)
        for run in runs {
            if run.range.upperBound <= range.lowerBound || run.range.lowerBound >= range.upperBound {
                kept.append(run)
                continue
            }
            if run.range.lowerBound < range.lowerBound {
                kept.append(Run(range: run.range.lowerBound..<range.lowerBound, writer: run.writer))
            }
            if run.range.upperBound > range.upperBound {
                kept.append(Run(range: range.upperBound..<run.range.upperBound, writer: run.writer))
            }
        }
        let at = kept.firstIndex { $0.range.lowerBound > range.lowerBound } ?? kept.count
        kept.insert(Run(range: range, writer: writer), at: at)
        // Merge neighbours with the same writer.
        var merged: [Run] = []
        merged.reserveCapacity(kept.count)
        for run in kept {
            if let last = merged.last, last.range.upperBound == run.range.lowerBound, last.writer == run.writer {
                merged[merged.count - 1].range = last.range.lowerBound..<run.range.upperBound
            } else {
                merged.append(run)
            }
        }
        runs = merged
    }

    /// The writers of `range`, as runs clipped to it; bytes nobody wrote are absent.
    public func runs(in range: Range<UInt64>) -> [Run] {
        runs.compactMap { run in
            let low = max(run.range.lowerBound, range.lowerBound)
            let high = min(run.range.upperBound, range.upperBound)
            return low < high ? Run(range: low..<high, writer: run.writer) : nil
        }
    }

    /// The runs of `range` written by anyone other than `owner`.
    public func foreignRuns(in range: Range<UInt64>, owner: ProfilingContext) -> [Run] {
        runs(in: range).filter { $0.writer != owner }
    }
}
