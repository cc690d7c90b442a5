import Testing

@testable import SPEDevice

/// The SPE interrupt may not take a PPI another device of the VCPU uses.
@Suite struct ReservedPPITests {
    @Test(arguments: [25, 26, 27] as [UInt32])
    func aPPIInUseIsRefused(_ intid: UInt32) {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.irqInUse(intid)) {
            try state.setIRQ(intid, vcpu: VCPUID(vm: 0, index: 0), vm: vm)
        }
        #expect(SPEDeviceError.irqInUse(intid).description
            == "SPE interrupt \(intid) is in use by another device of the VCPU (25 maintenance, 26 hypervisor timer, 27 virtual timer): choose another PPI from 16 to 31")
        #expect(state.irq == nil)
    }

    @Test func theNeighboursAreFree() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        try state.setIRQ(24, vcpu: VCPUID(vm: 0, index: 0), vm: vm)
        #expect(state.irq == 24)
    }
}
