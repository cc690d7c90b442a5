import Testing
@testable import HostIRQ

@Suite struct INTIDTests {
    @Test(arguments: [
        (UInt32(0), InterruptKind.sgi), (15, .sgi), (16, .ppi), (31, .ppi), (32, .spi), (1019, .spi),
    ])
    func kindFollowsRange(number: UInt32, kind: InterruptKind) throws {
        #expect(try INTID(number).kind == kind)
    }

    @Test(arguments: [UInt32(1020), 1021, 1022, 1023])
    func specialNumbersAreRefused(number: UInt32) {
        #expect(throws: HostIRQError.intidReserved(number)) { try INTID(number) }
    }

    @Test func numberAbove1023IsRefusedWithMessage() {
        #expect(throws: HostIRQError.intidOutOfRange(5000)) { try INTID(5000) }
        #expect(
            HostIRQError.intidOutOfRange(5000).description
                == "INTID 5000 is out of range: interrupt numbers are 0...1023 (SGI 0-15, PPI 16-31, SPI 32-1019)")
        #expect(INTID(rawValue: 1024) == nil)
    }

    @Test func sgiAndPPIConstructors() throws {
        #expect(try INTID.sgi(3).rawValue == 3)
        #expect(try INTID.ppi(5) == .spePMBIRQ)
        #expect(try INTID.ppi(11) == .virtualTimer)
        #expect(throws: HostIRQError.sgiNumberOutOfRange(16)) { try INTID.sgi(16) }
        #expect(throws: HostIRQError.ppiNumberOutOfRange(-1)) { try INTID.ppi(-1) }
    }

    @Test func wellKnownIdentifiers() {
        #expect(INTID.spurious.rawValue == 1023)
        #expect(INTID.spurious.kind == .special)
        #expect(INTID.kick.rawValue == 0)
        #expect(INTID.kick.kind == .sgi)
        #expect(INTID.spePMBIRQ.rawValue == 21)
        #expect(INTID.virtualTimer.rawValue == 27)
    }

    @Test func descriptions() {
        #expect(INTID.spePMBIRQ.description == "INTID 21 (PPI 5)")
        #expect(INTID.kick.description == "INTID 0 (SGI 0)")
        #expect(INTID.n(40).description == "INTID 40 (SPI 8)")
        #expect(INTID.spurious.description == "INTID 1023 (spurious)")
        #expect(Priority(0xA0).description == "0xA0")
        #expect(Priority(5).description == "0x05")
        #expect(CPUID(1).description == "CPU 1")
        #expect(VCPUIndex(3).description == "VCPU 3")
    }

    @Test func priorityOrderIsUrgencyOrder() {
        #expect(Priority.highest < Priority.defaultSGI)
        #expect(Priority.defaultSGI < Priority.defaultDevice)
        #expect(Priority.defaultDevice < Priority.lowest)
    }

    @Test func everyErrorSaysWhatWasWrong() {
        let errors: [HostIRQError] = [
            .intidOutOfRange(2000), .intidReserved(1022), .sgiNumberOutOfRange(20), .ppiNumberOutOfRange(16),
            .wrongInterruptKind(.spePMBIRQ, expected: .sgi), .wrongTrigger(.kick, expected: .level),
            .sgiMustBeEdge(.kick), .cpuOutOfRange(4, cpuCount: 2), .noCPUs, .notPrivate(.n(40)),
            .handlerAlreadyRegistered(.spePMBIRQ, cpu: 1), .spiNotConfigured(.n(40)),
            .spiAlreadyConfigured(.n(40)), .interruptBusy(.n(40)), .notActive(.spePMBIRQ, cpu: 0),
            .listRegisterCountOutOfRange(0), .duplicateVirtualInterrupt(.spePMBIRQ),
            .virtualInterruptNotConfigured(.n(30), vcpu: 2), .virtualInterruptNotActive(.spePMBIRQ, vcpu: 2),
            .vcpuNotInGuest(2), .vcpuTransitionNotAllowed(2, event: "block in WFI", from: .inGuest(1)),
        ]
        for error in errors { #expect(!error.description.isEmpty) }
        #expect(
            HostIRQError.wrongInterruptKind(.spePMBIRQ, expected: .sgi).description
                == "INTID 21 (PPI 5) is a PPI, but this operation needs an SGI")
        #expect(
            HostIRQError.cpuOutOfRange(4, cpuCount: 2).description
                == "CPU 4 does not exist: this distributor has 2 CPU(s), numbered 0...1")
        #expect(
            HostIRQError.vcpuTransitionNotAllowed(2, event: "block in WFI", from: .inGuest(1)).description
                == "VCPU 2 cannot block in WFI while in the guest on CPU 1")
    }
}
