import Testing
@testable import HostIRQ

@Suite struct DistributorTests {
    @Test func needsAtLeastOneCPU() {
        #expect(throws: HostIRQError.noCPUs) { try Distributor(cpuCount: 0) }
    }

    @Test func unknownCPUIsRefused() throws {
        let d = try Distributor(cpuCount: 2)
        #expect(throws: HostIRQError.cpuOutOfRange(2, cpuCount: 2)) { try d.sendSGI(.n(1), to: 2) }
        #expect(throws: HostIRQError.cpuOutOfRange(-1, cpuCount: 2)) { try d.cpu(-1) }
        #expect(!d.hasDeliverableInterrupt(on: 7))
    }

    @Test func wrongKindsAreRefused() throws {
        let d = try Distributor(cpuCount: 1)
        #expect(throws: HostIRQError.wrongInterruptKind(.spePMBIRQ, expected: .sgi)) {
            try d.sendSGI(.spePMBIRQ, to: 0)
        }
        #expect(throws: HostIRQError.wrongInterruptKind(.kick, expected: .ppi)) {
            try d.setLevel(.kick, high: true, on: 0)
        }
        #expect(throws: HostIRQError.wrongInterruptKind(.n(40), expected: .ppi)) { try d.pulse(.n(40), on: 0) }
        #expect(throws: HostIRQError.wrongInterruptKind(.n(21), expected: .spi)) {
            try d.configureSPI(.n(21), trigger: .level, target: 0)
        }
    }

    @Test func sgiToASetOfCPUs() throws {
        let d = try Distributor(cpuCount: 3)
        let actions = try d.sendSGI(.n(2), to: [0, 2])
        #expect(actions == [.becamePending, .becamePending])
        #expect(d.hasDeliverableInterrupt(on: 0))
        #expect(!d.hasDeliverableInterrupt(on: 1))
        #expect(d.hasDeliverableInterrupt(on: 2))
        // One bad target: nobody is signalled.
        #expect(throws: HostIRQError.cpuOutOfRange(5, cpuCount: 3)) { try d.sendSGI(.n(3), to: [1, 5]) }
        #expect(!d.hasDeliverableInterrupt(on: 1))
    }

    @Test func ppiLinesArePerCPU() throws {
        let d = try Distributor(cpuCount: 2)
        try d.setLevel(.spePMBIRQ, high: true, on: 1)
        #expect(!d.hasDeliverableInterrupt(on: 0))
        #expect(try d.cpu(1).acknowledge() == .spePMBIRQ)
        #expect(try d.cpu(0).acknowledge() == .spurious)
    }

    @Test func spiRoutingAndHandlers() throws {
        let d = try Distributor(cpuCount: 2)
        let spi = INTID.n(40)
        #expect(throws: HostIRQError.spiNotConfigured(spi)) { try d.pulseSPI(spi) }
        try d.configureSPI(spi, trigger: .edge, target: 0)
        #expect(throws: HostIRQError.spiAlreadyConfigured(spi)) { try d.configureSPI(spi, trigger: .edge, target: 1) }
        try d.registerSPIHandler(for: spi) { cpu, _ in cpu == 1 ? .handled : .nothingToDo }
        #expect(throws: HostIRQError.handlerAlreadyRegistered(spi, cpu: 0)) {
            try d.registerSPIHandler(for: spi) { _, _ in .handled }
        }
        #expect(try d.pulseSPI(spi) == .becamePending)
        #expect(throws: HostIRQError.interruptBusy(spi)) { try d.routeSPI(spi, to: 1) }
        #expect(try d.cpu(0).takeInterrupt() == .taken(spi, .nothingToDo, rePended: false))
        try d.routeSPI(spi, to: 1)
        #expect(try d.route(of: spi) == 1)
        try d.pulseSPI(spi)
        #expect(!d.hasDeliverableInterrupt(on: 0))
        #expect(try d.cpu(1).takeInterrupt() == .taken(spi, .handled, rePended: false))
        #expect(throws: HostIRQError.wrongTrigger(spi, expected: .level)) { try d.setSPILevel(spi, high: true) }
        try d.setSPIEnabled(spi, false)
        try d.pulseSPI(spi)
        #expect(!d.hasDeliverableInterrupt(on: 1))
        // Counts moved with the SPI.
        let c = d.statistics()[1]![spi]
        #expect(c.raised == 3 && c.acknowledged == 2 && c.handled == 1 && c.spurious == 1)
    }

    @Test func levelSPI() throws {
        let d = try Distributor(cpuCount: 2)
        let spi = INTID.n(33)
        try d.configureSPI(spi, trigger: .level, priority: Priority(0x10), target: 1)
        #expect(try d.setSPILevel(spi, high: true) == .becamePending)
        let cpu = try d.cpu(1)
        #expect(cpu.acknowledge() == spi)
        #expect(try cpu.endOfInterrupt(spi) == .rePended)
        #expect(try d.setSPILevel(spi, high: false) == .cancelled)
    }

    @Test func statisticsAreSortedAndOnlyNonzero() throws {
        let d = try Distributor(cpuCount: 2, installKickHandlers: false)
        try d.configureSPI(.n(50), trigger: .edge, target: 0)
        try d.pulseSPI(.n(50))
        try d.setLevel(.n(27), high: true, on: 0)
        try d.sendSGI(.n(9), to: 0)
        let stats = d.statistics()
        #expect(stats.cpus.map(\.cpu) == [0, 1])
        #expect(stats[0]!.perINTID.map(\.intid) == [.n(9), .n(27), .n(50)])
        #expect(stats[1]!.perINTID.isEmpty)
        #expect(stats[0]!.total.raised == 3)
        // Without kick handlers, a kick is spurious.
        try d.sendSGI(.kick, to: 1)
        #expect(try d.cpu(1).takeInterrupt() == .taken(.kick, .noHandler, rePended: false))
    }

    @Test func kickHandlerIsInstalledByDefault() throws {
        let d = try Distributor(cpuCount: 2)
        try d.sendSGI(.kick, to: 1)
        #expect(try d.cpu(1).takeInterrupt() == .taken(.kick, .handled, rePended: false))
    }
}
