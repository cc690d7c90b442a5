/// The counts of a ``LatencyHistogram``'s buckets: sparse while few buckets are used, dense once
/// that is smaller. Sparse, it is the non-empty buckets as sorted (index, count) pairs (16 bytes
/// each); dense, a count for every bucket up to the highest used (8 bytes each). It turns dense
/// once it holds at least ``densePairs`` pairs and they take more than the dense array would, and
/// never turns back: a VCPU that took a few samples over a wide range (an idle VCPU's timer
/// latencies) costs a few pairs instead of hundreds of zero counts, a busy one the dense array,
/// bounded by ``LatencyHistogram/maximumBuckets``. Equal and hashed by the non-empty buckets,
/// whichever form holds them.
struct BucketCounts: Hashable, Sendable {
    private struct Pair: Hashable, Sendable {
        var index: UInt32
        var count: UInt64
    }

    /// Below this many pairs the counts stay sparse whatever the buckets (a lone 0 would otherwise
    /// go dense at once, and a later large value grow the dense array a long way).
    static let densePairs = 8

    private var pairs: [Pair] = []
    private var dense: [UInt64] = []
    private var isDense = false

    /// Adds `n` to bucket `index`. The common case, a bucket already counted, stays small enough
    /// to inline into the exit path; a new bucket takes the slow path.
    @inline(__always)
    mutating func add(_ n: UInt64, at index: Int) {
        if isDense {
            if index < dense.count { dense[index] += n } else { addBeyondDense(n, at: index) }
            return
        }
        let position = insertionPoint(of: UInt32(index))
        if position < pairs.count && pairs[position].index == UInt32(index) {
            pairs[position].count += n
        } else {
            insertPair(n, at: index, position: position)
        }
    }

    @inline(never)
    private mutating func addBeyondDense(_ n: UInt64, at index: Int) {
        dense.append(contentsOf: repeatElement(0, count: index + 1 - dense.count))
        dense[index] += n
    }

    /// A pair for a bucket not counted yet, at its sorted `position`; dense from there if that is smaller.
    @inline(never)
    private mutating func insertPair(_ n: UInt64, at index: Int, position: Int) {
        pairs.insert(Pair(index: UInt32(index), count: n), at: position)
        let denseBytes = (Int(pairs[pairs.count - 1].index) + 1) * MemoryLayout<UInt64>.stride
        if pairs.count >= Self.densePairs && pairs.count * MemoryLayout<Pair>.stride > denseBytes { becomeDense() }
    }

    /// Adds every count of `other`.
    mutating func add(_ other: BucketCounts) {
        other.forEachNonEmpty { index, n in add(n, at: index) }
    }

    /// Calls `body` with each non-empty bucket's index and count, in increasing order of index.
    func forEachNonEmpty(_ body: (Int, UInt64) throws -> Void) rethrows {
        if isDense {
            for (index, n) in dense.enumerated() where n > 0 { try body(index, n) }
        } else {
            for pair in pairs { try body(Int(pair.index), pair.count) }
        }
    }

    /// The non-empty buckets, in increasing order of index.
    var nonEmpty: [(index: Int, count: UInt64)] {
        var all: [(index: Int, count: UInt64)] = []
        forEachNonEmpty { all.append(($0, $1)) }
        return all
    }

    /// Whether the counts are held densely (for tests of the memory bound).
    var holdsDense: Bool { isDense }

    static func == (lhs: BucketCounts, rhs: BucketCounts) -> Bool {
        lhs.nonEmpty.elementsEqual(rhs.nonEmpty) { $0.index == $1.index && $0.count == $1.count }
    }

    func hash(into hasher: inout Hasher) {
        forEachNonEmpty { index, n in
            hasher.combine(index)
            hasher.combine(n)
        }
    }

    /// The position of the first pair whose index is not below `index`: a scan of the few pairs a
    /// histogram on the exit path has (one latency value, or a handful), a binary search past them.
    private func insertionPoint(of index: UInt32) -> Int {
        pairs.withUnsafeBufferPointer { pairs in
            if pairs.count <= Self.densePairs {
                var position = 0
                while position < pairs.count && pairs[position].index < index { position += 1 }
                return position
            }
            var low = 0
            var high = pairs.count
            while low < high {
                let middle = (low + high) / 2
                if pairs[middle].index < index { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    private mutating func becomeDense() {
        var counts = [UInt64](repeating: 0, count: Int(pairs[pairs.count - 1].index) + 1)
        for pair in pairs { counts[Int(pair.index)] = pair.count }
        dense = counts
        pairs = []
        isDense = true
    }
}
