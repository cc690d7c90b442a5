import Synchronization
import Testing
@testable import HostIRQ

@Suite struct VirtualInterruptControllerTests {
    let spe = INTID.spePMBIRQ
    let timer = INTID.virtualTimer

    func make(
        cpus: Int = 2, _ configuration: VirtualInterruptConfiguration = .init()
    ) throws -> (Distributor, VirtualInterruptController, ManualIRQClock) {
        let d = try Distributor(cpuCount: cpus)
        let clock = ManualIRQClock(start: 1_000)
        let v = try VirtualInterruptController(vcpu: 0, configuration: configuration, distributor: d, clock: clock)
        return (d, v, clock)
    }

    @Test func configurationIsChecked() throws {
        let d = try Distributor(cpuCount: 1)
        let clock = ManualIRQClock()
        #expect(throws: HostIRQError.listRegisterCountOutOfRange(0)) {
            try VirtualInterruptController(vcpu: 0, configuration: .init(listRegisterCount: 0), distributor: d, clock: clock)
        }
        #expect(throws: HostIRQError.listRegisterCountOutOfRange(17)) {
            try VirtualInterruptController(vcpu: 0, configuration: .init(listRegisterCount: 17), distributor: d, clock: clock)
        }
        #expect(throws: HostIRQError.duplicateVirtualInterrupt(.n(27))) {
            try VirtualInterruptController(vcpu: 0, configuration: .init(speINTID: .n(27)), distributor: d, clock: clock)
        }
        #expect(throws: HostIRQError.wrongInterruptKind(.n(40), expected: .ppi)) {
            try VirtualInterruptController(
                vcpu: 0, configuration: .init(additional: [.init(intid: .n(40))]), distributor: d, clock: clock)
        }
        let custom = try VirtualInterruptController(
            vcpu: 0, configuration: .init(speINTID: .n(23)), distributor: d, clock: clock)
        #expect(try custom.setLevel(.n(23), high: true).line == .becamePending)
        #expect(throws: HostIRQError.virtualInterruptNotConfigured(.n(21), vcpu: 0)) {
            try custom.setLevel(.n(21), high: true)
        }
    }

    @Test func levelSemanticsMirrorPhysical() throws {
        let (_, v, _) = try make()
        // Lowered before acknowledge: not pending, never reaches a list register.
        #expect(try v.setLevel(spe, high: true).line == .becamePending)
        #expect(v.hasPendingInterrupt)
        #expect(try v.setLevel(spe, high: false).line == .cancelled)
        #expect(!v.hasPendingInterrupt)
        #expect(try v.enterGuest(on: 0).isEmpty)
        #expect(try v.guestAcknowledge() == .spurious)
        try v.exitGuest()
        // Still high after EOI: pending again.
        try v.setLevel(spe, high: true)
        try v.enterGuest(on: 0)
        #expect(try v.guestAcknowledge() == spe)
        #expect(try v.guestAcknowledge() == .spurious)
        let eoi = try v.guestEndOfInterrupt(spe)
        #expect(eoi == GuestEOIResult(intid: spe, rePended: true, maintenanceExitRequested: true))
        #expect(try v.state(of: spe).isReadyToAcknowledge)
        #expect(try v.exitGuest().pending == [spe])
        try v.enterGuest(on: 0)
        #expect(try v.guestAcknowledge() == spe)
        // Lowered while active: does not pend again.
        #expect(try v.setLevel(spe, high: false).line == .lowered)
        #expect(try v.guestEndOfInterrupt(spe).rePended == false)
        #expect(try v.exitGuest().pending == [])
        let s = v.statistics()
        #expect(s.injected == 3 && s.delivered == 2)
        #expect(s[spe].cancelled == 1 && s[spe].rePended == 1)
    }

    @Test func speCycleCostsExactlyOneMaintenanceExit() throws {
        let (_, v, clock) = try make()
        // The exit that saw hardware S copies it in; KVM raises the virtual line (no hardware link).
        #expect(try v.setLevel(spe, high: true, hwLinked: false).delivery == .pendingForNextEntry)
        clock.advance(by: 700)
        let lrs = try v.enterGuest(on: 1)
        #expect(lrs == [ListRegister(intid: spe, priority: .defaultDevice, state: .pending, hwLinked: false, requestsEOIMaintenance: true)])
        #expect(try v.guestAcknowledge() == spe)
        // The guest driver writes 0 to PMBSR_EL1: a trapped write, an exit, the line drops.
        #expect(try v.exitGuest().maintenanceExit == false)
        #expect(try v.setLevel(spe, high: false).line == .lowered)
        try v.enterGuest(on: 1)
        #expect(v.listRegisters.map(\.state) == [.active])
        let eoi = try v.guestEndOfInterrupt(spe)
        #expect(eoi == GuestEOIResult(intid: spe, rePended: false, maintenanceExitRequested: true))
        let exit = try v.exitGuest()
        #expect(exit == GuestExitSummary(maintenanceExit: true, endedWithMaintenance: [spe], pending: []))
        try v.enterGuest(on: 1)
        #expect(try v.exitGuest().maintenanceExit == false)
        let s = v.statistics()
        #expect(s.maintenanceExits == 1)
        #expect(s.injected == 1 && s.delivered == 1)
        #expect(s.latency.samples == [700])
        #expect(s[spe].latency.samples == [700])
        #expect(s[spe].maintenanceRequests == 1)
    }

    @Test func hardwareLinkedInterruptNeedsNoMaintenance() throws {
        let (_, v, _) = try make()
        try v.setLevel(timer, high: true, hwLinked: true)
        #expect(try v.enterGuest(on: 0).first?.requestsEOIMaintenance == false)
        #expect(try v.guestAcknowledge() == timer)
        try v.setLevel(timer, high: false, hwLinked: true)
        #expect(try v.guestEndOfInterrupt(timer).maintenanceExitRequested == false)
        #expect(try v.exitGuest().maintenanceExit == false)
        #expect(v.statistics().maintenanceExits == 0)
    }

    @Test func overflowingListRegistersLosesNothing() throws {
        let extra = (0..<4).map { VirtualInterruptConfiguration.Line(intid: .n(UInt32(16 + $0)), priority: Priority(UInt8(0x20 * ($0 + 1)))) }
        let (_, v, _) = try make(.init(listRegisterCount: 2, additional: extra))
        let all: [INTID] = [.n(16), .n(17), .n(18), .n(19), spe, timer]
        for id in all { try v.setLevel(id, high: true) }
        var delivered: [INTID] = []
        var entries = 0
        while v.hasPendingInterrupt {
            entries += 1
            let lrs = try v.enterGuest(on: 0)
            #expect(lrs.count <= 2)
            while true {
                let id = try v.guestAcknowledge()
                if id == .spurious { break }
                delivered.append(id)
                try v.setLevel(id, high: false)  // the guest's driver clears the source
                _ = try v.guestEndOfInterrupt(id)
            }
            try v.exitGuest()
            #expect(entries <= 3)
        }
        // Priority order: 0x20, 0x40, 0x60, 0x80, then the two at 0xA0 by INTID.
        #expect(delivered == [.n(16), .n(17), .n(18), .n(19), spe, timer])
        let s = v.statistics()
        #expect(entries == 3)
        #expect(s.listRegisterOverflows == 4 + 2)
        #expect(s.delivered == 6 && s.injected == 6)
    }

    @Test func underflowRequestsMaintenanceWhenInterruptsAreLeftOver() throws {
        let (_, v, _) = try make(.init(listRegisterCount: 1))
        try v.setLevel(spe, high: true, hwLinked: true)
        try v.setLevel(timer, high: true, hwLinked: true)
        #expect(try v.enterGuest(on: 0).map(\.intid) == [spe])
        #expect(try v.guestAcknowledge() == spe)
        try v.setLevel(spe, high: false, hwLinked: true)
        #expect(try v.guestEndOfInterrupt(spe).maintenanceExitRequested)
        #expect(try v.exitGuest() == GuestExitSummary(maintenanceExit: true, endedWithMaintenance: [], pending: [timer]))
        #expect(try v.enterGuest(on: 0).map(\.intid) == [timer])
    }

    @Test func activeInterruptIsRefilledBeforePendingOnes() throws {
        let (_, v, _) = try make(.init(listRegisterCount: 1))
        try v.setLevel(timer, high: true)
        try v.enterGuest(on: 0)
        #expect(try v.guestAcknowledge() == timer)
        try v.exitGuest()  // exits with the timer still active
        try v.setLevel(spe, high: true)
        let lrs = try v.enterGuest(on: 0)
        #expect(lrs.map(\.intid) == [timer])
        #expect(lrs.map(\.state) == [.active])
        try v.setLevel(timer, high: false)
        _ = try v.guestEndOfInterrupt(timer)
    }

    @Test func injectingIntoVCPURunningElsewhereKicksExactlyOnce() throws {
        let (d, v, _) = try make()
        try v.enterGuest(on: 1)
        #expect(try v.setLevel(spe, high: true) == InjectionOutcome(line: .becamePending, delivery: .kicked(1)))
        #expect(v.location == .exiting(1))
        #expect(try v.setLevel(timer, high: true) == InjectionOutcome(line: .becamePending, delivery: .kickFoundVCPUExiting(1)))
        let cpu1 = try d.cpu(1)
        #expect(cpu1.hasDeliverableInterrupt)
        #expect(try cpu1.takeInterrupt() == .taken(.kick, .handled, rePended: false))
        #expect(try cpu1.takeInterrupt() == .nothingPending)
        let exit = try v.exitGuest()
        #expect(exit.pending == [spe, timer])
        #expect(d.statistics()[1]![.kick].raised == 1)
        #expect(d.statistics()[0]![.kick].raised == 0)
        let s = v.statistics()
        #expect(s.kicksSent == 1 && s.kicksFoundVCPUExiting == 1)
    }

    @Test func injectingIntoBlockedVCPUWakesIt() throws {
        let (d, v, _) = try make()
        let woken = CallLog<VCPUIndex>()
        v.setWakeCallback { woken.append($0) }
        #expect(try v.blockInWFI() == .blocked)
        #expect(try v.setLevel(spe, high: true).delivery == .woke)
        #expect(woken.all == [0])
        #expect(v.location == .notInGuest)
        #expect(try v.setLevel(timer, high: true).delivery == .pendingForNextEntry)
        #expect(woken.all == [0])
        // With an interrupt pending, WFI does not block.
        #expect(try v.blockInWFI() == .interruptPending)
        #expect(v.statistics().wakes == 1)
        #expect(d.statistics()[0]![.kick].raised == 0)
    }

    @Test func unblockForOtherReasons() throws {
        let (_, v, _) = try make()
        #expect(try v.blockInWFI() == .blocked)
        try v.unblock()
        #expect(throws: HostIRQError.vcpuTransitionNotAllowed(0, event: "unblock", from: .notInGuest)) { try v.unblock() }
    }

    @Test func guestOperationsOutsideTheGuestAreRefused() throws {
        let (_, v, _) = try make()
        #expect(throws: HostIRQError.vcpuNotInGuest(0)) { try v.guestAcknowledge() }
        #expect(throws: HostIRQError.vcpuNotInGuest(0)) { try v.guestEndOfInterrupt(spe) }
        try v.enterGuest(on: 0)
        #expect(throws: HostIRQError.virtualInterruptNotActive(spe, vcpu: 0)) { try v.guestEndOfInterrupt(spe) }
        #expect(throws: HostIRQError.vcpuTransitionNotAllowed(0, event: "enter the guest on CPU 1", from: .inGuest(0))) {
            try v.enterGuest(on: 1)
        }
        #expect(throws: HostIRQError.vcpuTransitionNotAllowed(0, event: "block in WFI", from: .inGuest(0))) {
            try v.blockInWFI()
        }
        try v.exitGuest()
        #expect(throws: HostIRQError.vcpuTransitionNotAllowed(0, event: "exit the guest", from: .notInGuest)) {
            try v.exitGuest()
        }
        #expect(throws: HostIRQError.cpuOutOfRange(9, cpuCount: 2)) { try v.enterGuest(on: 9) }
    }

    @Test func levelDroppedWhileInListRegisterIsStillTakenByGuest() throws {
        let (_, v, clock) = try make()
        try v.setLevel(spe, high: true)
        try v.enterGuest(on: 0)
        try v.setLevel(spe, high: false)  // the list register is not rewritten while the guest runs
        clock.advance(by: 50)
        #expect(try v.guestAcknowledge() == spe)
        #expect(try v.guestEndOfInterrupt(spe).rePended == false)
        try v.exitGuest()
        #expect(!v.hasPendingInterrupt)
        let s = v.statistics()
        #expect(s.delivered == 1 && s[spe].cancelled == 1 && s.latency.count == 0)
    }

    @Test func latencySamplesComeFromTheInjectedClock() throws {
        let (_, v, clock) = try make()
        for delay: UInt64 in [100, 30, 250] {
            try v.setLevel(timer, high: true, hwLinked: true)
            clock.advance(by: delay)
            try v.enterGuest(on: 0)
            #expect(try v.guestAcknowledge() == timer)
            try v.setLevel(timer, high: false, hwLinked: true)
            _ = try v.guestEndOfInterrupt(timer)
            try v.exitGuest()
        }
        let l = v.statistics().latency
        #expect(l.samples == [100, 30, 250])
        #expect(l.count == 3 && l.minimum == 30 && l.maximum == 250 && l.sum == 380)
    }

    @Test func anAcknowledgeReportsWhenItsInterruptWasInjected() throws {
        let (_, v, clock) = try make()
        try v.setLevel(timer, high: true, hwLinked: true)
        clock.advance(by: 100)
        try v.enterGuest(on: 0)
        let taken = try v.guestAcknowledgeReportingInjection()
        #expect(taken.intid == timer && taken.injectedAt == 1_000)
        // Nothing left: spurious, with no injection time.
        let none = try v.guestAcknowledgeReportingInjection()
        #expect(none.intid == .spurious && none.injectedAt == nil)
        try v.setLevel(timer, high: false, hwLinked: true)
        _ = try v.guestEndOfInterrupt(timer)
        try v.exitGuest()
        // A level that dropped while the guest ran is still taken, but its injection was forgotten.
        try v.setLevel(spe, high: true)
        try v.enterGuest(on: 0)
        try v.setLevel(spe, high: false)
        let stale = try v.guestAcknowledgeReportingInjection()
        #expect(stale.intid == spe && stale.injectedAt == nil)
    }

    @Test func wakeCallbackAndKickRunWithNoLockHeld() throws {
        let (d, v, _) = try make()
        let seen = CallLog<VCPULocation>()
        // Both hooks re-enter the controller: with its lock held this would deadlock.
        v.setWakeCallback { _ in seen.append(v.location) }
        try d.cpu(1).setWakeCallback { _, _ in seen.append(v.location) }
        #expect(try v.blockInWFI() == .blocked)
        try v.setLevel(spe, high: true)
        try v.enterGuest(on: 1)
        #expect(try v.guestAcknowledge() == spe)
        try v.setLevel(spe, high: false)
        _ = try v.guestEndOfInterrupt(spe)
        try v.setLevel(timer, high: true)
        #expect(seen.all == [.notInGuest, .exiting(1)])
    }
}
