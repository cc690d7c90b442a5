/// One of `count` disjoint slices of a seed range (`--shard I/N`), numbered from 1: slice `index`
/// takes the range's seeds at positions `index - 1`, `index - 1 + count`, `index - 1 + 2 count`, …
/// Strided rather than in blocks, so the same slicing serves a range with no end (a campaign
/// bounded by wall time) and every slice samples the whole range.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// From 1 to ``count``.
    public let index: Int
    /// How many slices the range is cut into.
    public let count: Int

    /// The whole range: slice 1 of 1.
    public static let whole = Shard(uncheckedIndex: 1, count: 1)

    /// Slice `index` (from 1) of `count`; nil unless `1 <= index <= count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.init(uncheckedIndex: index, count: count)
    }

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}

/// The seeds a campaign runs: the range `start ..< start + count` (no end when `count` is nil),
/// and the slice of it this campaign takes.
public struct SeedPlan: Hashable, Sendable, CustomStringConvertible {
    /// The range's first seed.
    public var start: UInt64
    /// Seeds in the whole range, before slicing (nil: as many as time allows).
    public var count: UInt64?
    /// The slice of the range this campaign runs.
    public var shard: Shard

    /// Seeds `start ..< start + count` (no end when `count` is nil), slice `shard` of them.
    public init(start: UInt64, count: UInt64?, shard: Shard = .whole) {
        self.start = start
        self.count = count
        self.shard = shard
    }

    /// Seeds this slice has (nil: no end).
    public var seedsInShard: UInt64? {
        count.map { count in
            let offset = UInt64(shard.index - 1)
            return count > offset ? (count - offset - 1) / UInt64(shard.count) + 1 : 0
        }
    }

    /// The `k`-th seed of this slice (from 0); nil past the range's end, or past the last seed
    /// (`UInt64.max`).
    public func seed(_ k: UInt64) -> UInt64? {
        if let inShard = seedsInShard, k >= inShard { return nil }
        let (scaled, overflowScale) = k.multipliedReportingOverflow(by: UInt64(shard.count))
        let (position, overflowOffset) = scaled.addingReportingOverflow(UInt64(shard.index - 1))
        let (seed, overflowStart) = start.addingReportingOverflow(position)
        return overflowScale || overflowOffset || overflowStart ? nil : seed
    }

    /// `seeds 1..100`, `seeds from 1`, with ` (shard I/N)` when sliced.
    public var description: String {
        let range =
            if let count { count == 0 ? "no seeds" : "seeds \(start)...\(start &+ (count - 1))" } else { "seeds from \(start)" }
        return shard == .whole ? range : "\(range), shard \(shard)"
    }
}
