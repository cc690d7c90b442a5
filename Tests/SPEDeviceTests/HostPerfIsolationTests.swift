import Testing
@testable import SPEDevice

/// Host and guest profile the same CPU in turns and never see each other's records.
@Suite struct HostPerfIsolationTests {
    @Test func hostAndGuestRecordsStayApart() throws {
        var (wb, v) = try Bench.make()
        wb.hostOperationsPerExit = 40_000
        wb.setHostSession(true, cpu: 0)
        try wb.programBuffer(v, base: Bench.base, size: 0x1000)
        var guestRecords = 0
        for _ in 0..<40 {
            try wb.run(v, operations: 3000)
            if wb.vcpus[v].spe.virtualLine {
                let records = try wb.serviceBuffer(v)
                #expect(records.allSatisfy { $0.record.context == .el1(wb.vcpus[v].contextID) })
                #expect(records.allSatisfy { $0.record.exceptionLevel == 0 })
                guestRecords += records.count
            }
            wb.leaveGuest(v, reason: .preemption)
        }
        let host = try #require(wb.devices[0].host)
        #expect(guestRecords > 0)
        #expect(host.recordsConsumed > 0)
        #expect(host.decodeErrors == 0)
        let guest = ProfilingContext.guest(wb.vcpus[v].id)
        #expect(!wb.vcpus[v].memory.shadow.runs.isEmpty)
        #expect(wb.vcpus[v].memory.shadow.runs.allSatisfy { $0.writer == guest })
        #expect(!host.memory.shadow.runs.isEmpty)
        #expect(host.memory.shadow.runs.allSatisfy { $0.writer == .host(cpu: 0) })
        let unit = wb.devices[0].unit.countersNow
        #expect(unit.sampled == unit.written + unit.droppedTotal + unit.inFlight)
        #expect(wb.violations == [])
    }
}
