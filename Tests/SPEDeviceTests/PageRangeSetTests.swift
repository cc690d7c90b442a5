import Testing
@testable import SPEDevice

@Suite struct PageRangeSetTests {
    @Test func insertKeepsSortedDisjointMergedRanges() {
        var set = PageRangeSet()
        set.insert(0x3000..<0x4000)
        set.insert(0x1000..<0x2000)
        #expect(set.ranges == [0x1000..<0x2000, 0x3000..<0x4000])
        set.insert(0x2000..<0x3000)  // adjacent on both sides: one range
        #expect(set.ranges == [0x1000..<0x4000])
        set.insert(0x8000..<0x9000)
        set.insert(0x500..<0x8800)  // swallows everything, overlaps the last
        #expect(set.ranges == [0x500..<0x9000])
        set.insert(0x10..<0x10)  // empty: nothing
        #expect(set.ranges == [0x500..<0x9000])
        #expect(set.count == 0x8B00)
    }

    @Test func removeSplitsAndTrims() {
        var set = PageRangeSet()
        set.insert(0x1000..<0x5000)
        set.remove(0x2000..<0x3000)
        #expect(set.ranges == [0x1000..<0x2000, 0x3000..<0x5000])
        set.remove(0x0..<0x1800)
        #expect(set.ranges == [0x1800..<0x2000, 0x3000..<0x5000])
        set.remove(0x4000..<0x9000)
        #expect(set.ranges == [0x1800..<0x2000, 0x3000..<0x4000])
        set.remove(0x1800..<0x4000)
        #expect(set.ranges == [])
        #expect(set.count == 0)
    }

    @Test func firstMissingAndCovers() {
        var set = PageRangeSet()
        set.insert(0x1000..<0x3000)
        set.insert(0x4000..<0x5000)
        #expect(set.firstMissing(in: 0x1000..<0x3000) == nil)
        #expect(set.covers(0x1000..<0x3000))
        #expect(set.firstMissing(in: 0x1000..<0x3001) == 0x3000)
        #expect(set.firstMissing(in: 0x2000..<0x4800) == 0x3000)
        #expect(set.firstMissing(in: 0x0..<0x1000) == 0x0)
        #expect(set.firstMissing(in: 0x4800..<0x6000) == 0x5000)
        #expect(set.firstMissing(in: 0x6000..<0x7000) == 0x6000)
        #expect(set.firstMissing(in: 0x6000..<0x6000) == nil)
        #expect(!set.covers(0x0FFF..<0x1001))
        #expect(set.contains(0x1000))
        #expect(set.contains(0x2FFF))
        #expect(!set.contains(0x3000))
        #expect(!set.contains(0xFFF))
        #expect(PageRangeSet().firstMissing(in: 5..<6) == 5)
        #expect(set.description == "[0x0000000000001000, 0x0000000000003000) [0x0000000000004000, 0x0000000000005000)")
    }
}
