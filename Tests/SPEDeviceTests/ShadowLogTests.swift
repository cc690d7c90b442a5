import Testing
@testable import SPEDevice

@Suite struct ShadowLogTests {
    typealias Run = ShadowLog.Run
    static let host = ProfilingContext.host(cpu: 0)
    static let guestA = ProfilingContext.guest(VCPUID(vm: 0, index: 0))
    static let guestB = ProfilingContext.guest(VCPUID(vm: 1, index: 0))

    @Test func sequentialWritesOfOneWriterMerge() {
        var log = ShadowLog()
        log.record(0x100..<0x140, by: Self.guestA)
        log.record(0x140..<0x180, by: Self.guestA)
        #expect(log.runs == [Run(range: 0x100..<0x180, writer: Self.guestA)])
        log.record(0x180..<0x1C0, by: Self.host)
        log.record(0x200..<0x240, by: Self.host)  // a gap: a new run
        #expect(log.runs == [
            Run(range: 0x100..<0x180, writer: Self.guestA),
            Run(range: 0x180..<0x1C0, writer: Self.host),
            Run(range: 0x200..<0x240, writer: Self.host),
        ])
        log.record(0x100..<0x100, by: Self.host)  // empty: nothing
        #expect(log.runs.count == 3)
    }

    @Test func overwriteReplacesTheWriterAndMergesNeighbours() {
        var log = ShadowLog()
        log.record(0x0..<0x100, by: Self.guestA)
        log.record(0x40..<0x80, by: Self.guestB)
        #expect(log.runs == [
            Run(range: 0x0..<0x40, writer: Self.guestA),
            Run(range: 0x40..<0x80, writer: Self.guestB),
            Run(range: 0x80..<0x100, writer: Self.guestA),
        ])
        log.record(0x40..<0x80, by: Self.guestA)  // back to one run
        #expect(log.runs == [Run(range: 0x0..<0x100, writer: Self.guestA)])
        log.record(0x80..<0x180, by: Self.host)  // overlaps the end
        #expect(log.runs == [
            Run(range: 0x0..<0x80, writer: Self.guestA),
            Run(range: 0x80..<0x180, writer: Self.host),
        ])
    }

    @Test func runsInRangeAreClippedAndForeignRunsFiltered() {
        var log = ShadowLog()
        log.record(0x0..<0x40, by: Self.guestA)
        log.record(0x40..<0x80, by: Self.host)
        log.record(0xC0..<0x100, by: Self.guestA)
        #expect(log.runs(in: 0x20..<0xD0) == [
            Run(range: 0x20..<0x40, writer: Self.guestA),
            Run(range: 0x40..<0x80, writer: Self.host),
            Run(range: 0xC0..<0xD0, writer: Self.guestA),
        ])
        #expect(log.foreignRuns(in: 0x0..<0x100, owner: Self.guestA) == [Run(range: 0x40..<0x80, writer: Self.host)])
        #expect(log.foreignRuns(in: 0x80..<0x100, owner: Self.guestA) == [])
        #expect(log.runs(in: 0x80..<0xC0) == [])
    }
}
