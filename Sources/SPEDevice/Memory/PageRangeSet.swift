/// A set of addresses kept as sorted, disjoint, half-open ranges: mappings, backings and pins.
/// Its order is its storage order, so nothing depends on hashing.
public struct PageRangeSet: Hashable, Sendable, CustomStringConvertible {
    /// The ranges, sorted and disjoint, none empty, adjacent ones merged.
    public private(set) var ranges: [Range<UInt64>] = []

    public init() {}

    /// Whether `address` is in the set.
    public func contains(_ address: UInt64) -> Bool {
        guard let i = index(containingOrAfter: address), i < ranges.count else { return false }
        return ranges[i].contains(address)
    }

    /// The first address of `range` that is not in the set, if any.
    public func firstMissing(in range: Range<UInt64>) -> UInt64? {
        var next = range.lowerBound
        guard let start = index(containingOrAfter: next) else { return range.isEmpty ? nil : next }
        for r in ranges[start...] {
            if next >= range.upperBound { return nil }
            if r.lowerBound > next { return next }
            next = max(next, r.upperBound)
        }
        return next < range.upperBound ? next : nil
    }

    /// Whether all of `range` is in the set.
    public func covers(_ range: Range<UInt64>) -> Bool { firstMissing(in: range) == nil }

    /// Number of addresses in the set.
    public var count: UInt64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    /// Adds `range`.
    public mutating func insert(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var merged = range
        var kept: [Range<UInt64>] = []
        kept.reserveCapacity(ranges.count + 1)
        for r in ranges {
            if r.upperBound < merged.lowerBound || r.lowerBound > merged.upperBound {
                kept.append(r)
            } else {
                merged = min(r.lowerBound, merged.lowerBound)..<max(r.upperBound, merged.upperBound)
            }
        }
        let at = kept.firstIndex { $0.lowerBound > merged.lowerBound } ?? kept.count
        kept.insert(merged, at: at)
        ranges = kept
    }

    /// Removes `range`.
    public mutating func remove(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var kept: [Range<UInt64>] = []
        kept.reserveCapacity(ranges.count + 1)
        for r in ranges {
            if r.upperBound <= range.lowerBound || r.lowerBound >= range.upperBound {
                kept.append(r)
                continue
            }
            if r.lowerBound < range.lowerBound { kept.append(r.lowerBound..<range.lowerBound) }
            if r.upperBound > range.upperBound { kept.append(range.upperBound..<r.upperBound) }
        }
        ranges = kept
    }

    /// Index of the first range whose upper bound is above `address` (binary search).
    private func index(containingOrAfter address: UInt64) -> Int? {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound <= address { low = mid + 1 } else { high = mid }
        }
        return low
    }

    public var description: String {
        ranges.map { "[\(hex64($0.lowerBound)), \(hex64($0.upperBound)))" }.joined(separator: " ")
    }
}
