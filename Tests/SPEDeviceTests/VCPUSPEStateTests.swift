import Testing
@testable import SPEDevice

/// KVM's per-VCPU SPE attributes: IRQ, SPU, maximum buffer size, INIT.
@Suite struct VCPUSPEStateTests {
    static let v0 = VCPUID(vm: 0, index: 0)
    static let v1 = VCPUID(vm: 0, index: 1)

    @Test(arguments: [UInt32(15), 32, 0, 1019])
    func irqMustBeAPPI(intid: UInt32) {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.irqNotPPI(intid)) { try state.setIRQ(intid, vcpu: Self.v0, vm: vm) }
        #expect(state.irq == nil)
        #expect(vm.irq == nil)
    }

    @Test(arguments: [UInt32(16), 21, 31])
    func ppisAreAccepted(intid: UInt32) throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        try state.setIRQ(intid, vcpu: Self.v0, vm: vm)
        #expect(state.irq == intid)
        #expect(vm.irq == intid)
    }

    @Test func irqNotPPIMessage() {
        #expect(SPEDeviceError.irqNotPPI(32).description
            == "SPE interrupt 32 is not a PPI: the SPE interrupt must be a PPI, INTID 16 to 31")
    }

    @Test func everyVCPUOfAVMUsesTheSamePPI() throws {
        let vm = SPEVM(index: 0)
        var first = VCPUSPEState()
        var second = VCPUSPEState()
        try first.setIRQ(21, vcpu: Self.v0, vm: vm)
        #expect(throws: SPEDeviceError.irqDiffersFromVM(requested: 22, vm: 21)) {
            try second.setIRQ(22, vcpu: Self.v1, vm: vm)
        }
        #expect(second.irq == nil)
        try second.setIRQ(21, vcpu: Self.v1, vm: vm)
        #expect(second.irq == 21)
        #expect(SPEDeviceError.irqDiffersFromVM(requested: 22, vm: 21).description
            == "SPE interrupt 22 differs from the VM's 21: every VCPU of a VM uses the same PPI")
    }

    @Test func spuMustNameExistingCPUs() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.spuEmpty) { try state.setSPU([], cpuCount: 2, vcpu: Self.v0, vm: vm) }
        #expect(throws: SPEDeviceError.spuCPUHasNoSPE(cpu: 2, cpuCount: 2)) {
            try state.setSPU([0, 2], cpuCount: 2, vcpu: Self.v0, vm: vm)
        }
        #expect(throws: SPEDeviceError.spuCPUHasNoSPE(cpu: -1, cpuCount: 2)) {
            try state.setSPU([-1], cpuCount: 2, vcpu: Self.v0, vm: vm)
        }
        #expect(state.spu == nil)
        try state.setSPU([1, 0, 1], cpuCount: 2, vcpu: Self.v0, vm: vm)
        #expect(state.spu == [0, 1])
        #expect(SPEDeviceError.spuEmpty.description
            == "the SPU attribute names no CPU: give at least one physical CPU with an SPE unit")
        #expect(SPEDeviceError.spuCPUHasNoSPE(cpu: 2, cpuCount: 2).description
            == "the SPU attribute names CPU 2, which has no SPE unit (CPUs are 0 to 1)")
    }

    @Test func maxBufferSizeIsCheckedAndShown() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.maxBufferSizeNotRepresentable(5000)) {
            try state.setMaxBufferSize(5000, vcpu: Self.v0, vm: vm)
        }
        try state.setMaxBufferSize(2 * 1024 * 1024, vcpu: Self.v0, vm: vm)
        #expect(state.maxBufferSize.field == 0x200)
    }

    @Test func initNeedsIRQThenSPU() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.irqNotSet) { try state.initialize(vcpu: Self.v0, vm: vm) }
        try state.setSPU([0], cpuCount: 2, vcpu: Self.v0, vm: vm)
        #expect(throws: SPEDeviceError.irqNotSet) { try state.initialize(vcpu: Self.v0, vm: vm) }
        var other = VCPUSPEState()
        try other.setIRQ(21, vcpu: Self.v1, vm: vm)
        #expect(throws: SPEDeviceError.spuNotSet) { try other.initialize(vcpu: Self.v1, vm: vm) }
        try state.setIRQ(21, vcpu: Self.v0, vm: vm)
        try state.initialize(vcpu: Self.v0, vm: vm)
        #expect(state.isInitialized)
        #expect(SPEDeviceError.irqNotSet.description
            == "SPE INIT before the interrupt attribute was set: set the SPE PPI first")
        #expect(SPEDeviceError.spuNotSet.description
            == "SPE INIT before the SPU attribute was set: select the CPUs with the SPE unit first")
    }

    @Test func nothingIsAcceptedAfterINIT() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        try state.setIRQ(21, vcpu: Self.v0, vm: vm)
        try state.setSPU([0], cpuCount: 2, vcpu: Self.v0, vm: vm)
        try state.initialize(vcpu: Self.v0, vm: vm)
        #expect(throws: SPEDeviceError.alreadyInitialized(attribute: "a second INIT")) {
            try state.initialize(vcpu: Self.v0, vm: vm)
        }
        #expect(throws: SPEDeviceError.alreadyInitialized(attribute: "the IRQ attribute")) {
            try state.setIRQ(21, vcpu: Self.v0, vm: vm)
        }
        #expect(throws: SPEDeviceError.alreadyInitialized(attribute: "the SPU attribute")) {
            try state.setSPU([1], cpuCount: 2, vcpu: Self.v0, vm: vm)
        }
        #expect(throws: SPEDeviceError.alreadyInitialized(attribute: "the maximum buffer size")) {
            try state.setMaxBufferSize(4096, vcpu: Self.v0, vm: vm)
        }
        #expect(state.spu == [0])
        #expect(state.maxBufferSize == .unlimited)
        #expect(SPEDeviceError.alreadyInitialized(attribute: "a second INIT").description
            == "SPE is already initialized: a second INIT is refused after INIT (INIT runs once)")
    }

    @Test func runRequiresINITAndACPUOfTheSPU() throws {
        let vm = SPEVM(index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.notInitialized(Self.v0)) { try state.checkRunnable(on: 0, vcpu: Self.v0, vm: vm) }
        try state.setIRQ(21, vcpu: Self.v0, vm: vm)
        try state.setSPU([1], cpuCount: 2, vcpu: Self.v0, vm: vm)
        #expect(throws: SPEDeviceError.notInitialized(Self.v0)) { try state.checkRunnable(on: 1, vcpu: Self.v0, vm: vm) }
        try state.initialize(vcpu: Self.v0, vm: vm)
        try state.checkRunnable(on: 1, vcpu: Self.v0, vm: vm)
        #expect(throws: SPEDeviceError.cpuOutsideSPU(cpu: 0, spu: [1])) { try state.checkRunnable(on: 0, vcpu: Self.v0, vm: vm) }
        #expect(SPEDeviceError.notInitialized(Self.v0).description
            == "vm0.vcpu0 has SPE but was not initialized: run SPE INIT before running the VCPU")
        #expect(SPEDeviceError.cpuOutsideSPU(cpu: 0, spu: [1]).description
            == "CPU 0 is not in the VCPU's SPU [1]: the VCPU may only run on those CPUs")
    }

    @Test func aVMWithoutSPERefusesEveryAttributeButRuns() throws {
        let vm = SPEVM(index: 3, configuration: SPEVMConfiguration(hasSPE: false))
        let id = VCPUID(vm: 3, index: 0)
        var state = VCPUSPEState()
        #expect(throws: SPEDeviceError.vmHasNoSPE(id)) { try state.setIRQ(21, vcpu: id, vm: vm) }
        #expect(throws: SPEDeviceError.vmHasNoSPE(id)) { try state.setSPU([0], cpuCount: 2, vcpu: id, vm: vm) }
        #expect(throws: SPEDeviceError.vmHasNoSPE(id)) { try state.setMaxBufferSize(4096, vcpu: id, vm: vm) }
        #expect(throws: SPEDeviceError.vmHasNoSPE(id)) { try state.initialize(vcpu: id, vm: vm) }
        try state.checkRunnable(on: 0, vcpu: id, vm: vm)
        #expect(SPEDeviceError.vmHasNoSPE(id).description == "vm3.vcpu0 belongs to a VM without SPE: SPE attributes are refused")
    }
}
