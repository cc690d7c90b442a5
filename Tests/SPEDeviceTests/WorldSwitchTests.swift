import Testing
@testable import SPEDevice

/// SPE.md §5's world switch, step by step, as the device reports it.
@Suite struct WorldSwitchTests {
    static let base = Bench.base

    static let hostPause = ["masked(true)", "hw PMSCR_EL2 E2SPE=0", "drained", "hostSessionSaved", "hw PMBLIMITR_EL1 E=0"]
    static let hostResume =
        ["hostSessionRestoring"] + Bench.controlWrites
        + ["hw PMBPTR_EL1", "hw PMBSR_EL1=0x0000000000000000", "hw PMBLIMITR_EL1 E=1", "hw PMSCR_EL2 E2SPE=1",
            "hostSessionRestored"]

    /// A host session on CPU 0 and an enabled guest buffer; the host does no work between runs.
    static func enabledGuestWithHost() throws -> (SPEWorkbench, Int) {
        var (wb, v) = try Bench.make()
        wb.hostOperationsPerExit = 0
        wb.setHostSession(true, cpu: 0)
        try wb.programBuffer(v, base: base, size: 0x2000)
        return (wb, v)
    }

    @Test func entryWithAnEnabledBuffer() throws {
        var (wb, v) = try Self.enabledGuestWithHost()
        try wb.enterGuest(v)
        let expected =
            ["entryBegan"] + Self.hostPause + ["owner(el1Trapped, tpms: false)"] + Bench.controlWrites
            + ["guestControlsLoaded", "hw PMBPTR_EL1", "hw PMBSR_EL1=0x0000000000000000", "stage2(true)",
                "hw PMBLIMITR_EL1 E=1", "guestEntered"]
        #expect(Bench.kinds(since: "entryBegan", in: wb.devices[0].recentEvents) == expected)
        #expect(wb.devices[0].unit.owner == .el1Trapped)
        #expect(!wb.devices[0].trapsSamplingControls)
        #expect(wb.devices[0].stage2Enabled)
        #expect(wb.devices[0].hostInterruptsMasked)
        #expect(wb.devices[0].host?.isPaused == true)
        #expect(wb.devices[0].unit.buffer == wb.vcpus[v].spe.memory)
        #expect(wb.violations == [])
    }

    @Test func exitWithAnEnabledBuffer() throws {
        var (wb, v) = try Self.enabledGuestWithHost()
        try wb.enterGuest(v)
        wb.leaveGuest(v, reason: .preemption)
        let expected =
            ["exitBegan", "drained", "hw PMBLIMITR_EL1 E=0", "memory PMBPTR_EL1 readBack", "stage2(false)",
                "owner(el2, tpms: false)", "guestControlsSaved"] + Self.hostResume + ["masked(false)", "exitEnded"]
        #expect(Bench.kinds(since: "exitBegan", in: wb.devices[0].recentEvents) == expected)
        #expect(wb.devices[0].unit.owner == .el2)
        #expect(!wb.devices[0].stage2Enabled)
        #expect(!wb.devices[0].hostInterruptsMasked)
        #expect(wb.devices[0].host?.isPaused == false)
        #expect(wb.violations == [])
    }

    /// The recent events are the last 32 checked, oldest first, however many came before: the
    /// device's event log drops all but those once it is long, and no switch may lose or reorder
    /// one (40 switches of about 50 events each pass the log's compaction several times).
    @Test func recentEventsAreTheLastCheckedAcrossManySwitches() throws {
        var (wb, v) = try Bench.make()
        wb.hostOperationsPerExit = 0
        wb.setHostSession(true, cpu: 0)
        let exit = ["exitBegan", "drained", "hw PMBLIMITR_EL1 E=0", "stage2(false)", "owner(el2, tpms: false)",
            "guestControlsSaved"] + Self.hostResume + ["masked(false)", "exitEnded"]
        var checked = wb.devices[0].checker.eventsChecked
        for _ in 0..<40 {
            try wb.enterGuest(v)
            wb.leaveGuest(v, reason: .preemption)
            let recent = wb.devices[0].recentEvents.map(Bench.kind)
            #expect(recent.count == 32)
            #expect(Array(recent.suffix(exit.count + 1)) == ["guestEntered"] + exit)
            #expect(wb.devices[0].checker.eventsChecked > checked + 32)
            checked = wb.devices[0].checker.eventsChecked
        }
        #expect(checked > 256 * 3)
        #expect(wb.violations == [])
    }

    @Test func entryAndExitWithADisabledBuffer() throws {
        var (wb, v) = try Bench.make()
        wb.hostOperationsPerExit = 0
        wb.setHostSession(true, cpu: 0)
        _ = try wb.read(v, .PMBSR_EL1)
        try wb.enterGuest(v)
        #expect(Bench.kinds(since: "entryBegan", in: wb.devices[0].recentEvents)
            == ["entryBegan"] + Self.hostPause + ["owner(el1Trapped, tpms: false)"] + Bench.controlWrites
            + ["guestControlsLoaded", "hw PMBSR_EL1=0x0000000000000000", "stage2(true)", "guestEntered"])
        wb.leaveGuest(v, reason: .preemption)
        #expect(Bench.kinds(since: "exitBegan", in: wb.devices[0].recentEvents)
            == ["exitBegan", "drained", "hw PMBLIMITR_EL1 E=0", "stage2(false)", "owner(el2, tpms: false)",
                "guestControlsSaved"] + Self.hostResume + ["masked(false)", "exitEnded"])
        #expect(wb.violations == [])
    }

    @Test func exitThatFindsTheBufferFull() throws {
        var (wb, v) = try Bench.make()
        wb.hostOperationsPerExit = 0
        wb.setHostSession(true, cpu: 0)
        try wb.programBuffer(v, base: Self.base, size: 0x1000)
        try wb.run(v, operations: 64 * 257, program: TestProgram.uniform())
        #expect(Bench.kinds(since: "exitBegan", in: wb.devices[0].recentEvents)
            == ["exitBegan", "drained", "hw PMBLIMITR_EL1 E=0", "memory PMBPTR_EL1 readBack",
                "memory PMBSR_EL1 hardwareEvent", "unpinned", "virtualLine(true)", "hw PMBSR_EL1=0x0000000000000000",
                "pmbirq(false)", "stage2(false)", "owner(el2, tpms: false)", "guestControlsSaved"]
            + Self.hostResume + ["masked(false)", "exitEnded"])
        #expect(wb.violations == [])
    }

    @Test func aVMWithoutSPEKeepsEL2OwnershipAndTraps() throws {
        var wb = SPEWorkbench(cpus: 2)
        wb.hostOperationsPerExit = 0
        let vm = wb.addVM(SPEVMConfiguration(hasSPE: false))
        let v = try wb.addVCPU(vm: vm)
        try wb.load(v, on: 0)
        wb.setHostSession(true, cpu: 0)
        try wb.enterGuest(v)
        #expect(Bench.kinds(since: "entryBegan", in: wb.devices[0].recentEvents)
            == ["entryBegan"] + Self.hostPause + ["owner(el2, tpms: true)", "stage2(true)", "guestEntered"])
        #expect(wb.devices[0].unit.owner == .el2)
        #expect(wb.devices[0].trapsSamplingControls)
        #expect(wb.devices[0].host?.isPaused == true)
        wb.leaveGuest(v, reason: .preemption)
        #expect(Bench.kinds(since: "exitBegan", in: wb.devices[0].recentEvents)
            == ["exitBegan", "stage2(false)", "owner(el2, tpms: false)"] + Self.hostResume
            + ["masked(false)", "exitEnded"])
        #expect(wb.devices[0].host?.isPaused == false)
        // Every SPE register is undefined for it; the ID register shows no SPE.
        for id in SPERegisterID.allCases where id != .ID_AA64DFR0_EL1 {
            #expect(try wb.access(v, id) == .undefined, "\(id)")
            #expect(try wb.access(v, id, write: 1) == .undefined, "\(id)")
        }
        #expect(try wb.access(v, .ID_AA64DFR0_EL1) == .read(0))
        #expect(wb.violations == [])
    }

    @Test func loadAndPutDoNotTouchTheBuffer() throws {
        var (wb, v) = try Self.enabledGuestWithHost()
        wb.put(v)
        let before = wb.devices[0].unit.buffer
        let count = wb.devices[0].recentEvents.count
        try wb.load(v, on: 1)
        #expect(wb.devices[0].unit.buffer == before)
        #expect(wb.devices[0].recentEvents.count == count)
        #expect(wb.placement[v] == 1)
        #expect(wb.violations == [])
    }

    @Test func loadOutsideTheSPUIsRefused() throws {
        var wb = SPEWorkbench(cpus: 2)
        let vm = wb.addVM()
        let v = try wb.addVCPU(vm: vm, spu: [1])
        #expect(throws: SPEDeviceError.cpuOutsideSPU(cpu: 0, spu: [1])) { try wb.load(v, on: 0) }
        try wb.load(v, on: 1)
        #expect(wb.placement[v] == 1)
    }
}
