import Synchronization
import Testing
@testable import HostIRQ

@Suite struct CPUInterfaceTests {
    let spe = INTID.spePMBIRQ

    @Test func nothingPendingAcknowledgesAsSpurious() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        #expect(cpu.acknowledge() == .spurious)
        #expect(try cpu.takeInterrupt() == .nothingPending)
        #expect(cpu.statistics().nothingPending == 2)
    }

    @Test func acknowledgeTakesMostUrgentThenLowestINTID() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        try cpu.configure(.n(22), priority: Priority(0x80))
        try d.setLevel(.n(23), high: true, on: 0)  // 0xA0
        try d.setLevel(.n(22), high: true, on: 0)  // 0x80
        try d.sendSGI(.n(3), to: 0)  // 0x40
        try d.sendSGI(.n(2), to: 0)  // 0x40
        // Running priority: once SGI 2 is active nothing less urgent is taken.
        #expect(cpu.acknowledge() == .n(2))
        #expect(cpu.acknowledge() == .spurious)
        #expect(try cpu.endOfInterrupt(.n(2)) == .deactivated)
        #expect(cpu.acknowledge() == .n(3))
        try cpu.endOfInterrupt(.n(3))
        #expect(cpu.acknowledge() == .n(22))
        #expect(cpu.acknowledge() == .spurious)
    }

    @Test func moreUrgentInterruptPreemptsActiveOne() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        try d.setLevel(spe, high: true, on: 0)
        #expect(cpu.acknowledge() == spe)
        try d.sendSGI(.n(1), to: 0)
        #expect(cpu.hasDeliverableInterrupt)
        #expect(cpu.acknowledge() == .n(1))
    }

    @Test func levelLeftHighByHandlerStorms() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let runs = Atomic<Int>(0)
        // A handler that does not clear its source.
        try cpu.registerHandler(for: spe) { _, _ in
            runs.add(1, ordering: .relaxed)
            return .handled
        }
        try d.setLevel(spe, high: true, on: 0)
        for _ in 0..<5 {
            #expect(try cpu.takeInterrupt() == .taken(spe, .handled, rePended: true))
        }
        #expect(cpu.hasDeliverableInterrupt)
        #expect(runs.load(ordering: .relaxed) == 5)
        let counts = cpu.statistics()[spe]
        #expect(counts.raised == 1)
        #expect(counts.acknowledged == 5)
        #expect(counts.handled == 5)
        #expect(counts.rePended == 5)
    }

    @Test func handlerThatClearsItsSourceEndsTheStorm() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let device = LevelDevice(intid: spe, cpu: 0, distributor: d)
        try cpu.registerHandler(for: spe) { _, _ in
            (try? device.consume()) ?? 0 > 0 ? .handled : .nothingToDo
        }
        try device.signal()
        try device.signal()
        #expect(try cpu.takeInterrupt() == .taken(spe, .handled, rePended: false))
        #expect(try cpu.takeInterrupt() == .nothingPending)
        #expect(cpu.statistics()[spe].rePended == 0)
        #expect(cpu.statistics()[spe].raised == 1)
    }

    @Test func loweringBeforeAcknowledgeCancels() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        #expect(try d.setLevel(spe, high: true, on: 0) == .becamePending)
        #expect(cpu.hasDeliverableInterrupt)
        #expect(try d.setLevel(spe, high: false, on: 0) == .cancelled)
        #expect(!cpu.hasDeliverableInterrupt)
        #expect(cpu.acknowledge() == .spurious)
        #expect(cpu.statistics()[spe].cancelled == 1)
        #expect(cpu.statistics()[spe].acknowledged == 0)
    }

    @Test func edgeSGIRaisedWhileActiveIsDeliveredExactlyTwice() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let sgi = INTID.n(5)
        let runs = Atomic<Int>(0)
        try cpu.registerHandler(for: sgi) { _, _ in
            if runs.add(1, ordering: .relaxed).newValue == 1 {
                // Raised again while this one is active.
                _ = try? d.sendSGI(sgi, to: 0)
            }
            return .handled
        }
        try d.sendSGI(sgi, to: 0)
        #expect(try cpu.takeInterrupt() == .taken(sgi, .handled, rePended: true))
        #expect(try cpu.takeInterrupt() == .taken(sgi, .handled, rePended: false))
        #expect(try cpu.takeInterrupt() == .nothingPending)
        #expect(runs.load(ordering: .relaxed) == 2)
        let c = cpu.statistics()[sgi]
        #expect(c.raised == 2 && c.acknowledged == 2 && c.handled == 2 && c.rePended == 1 && c.merged == 0)
    }

    @Test func edgeSGIRaisedTwiceWhilePendingMerges() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        #expect(try d.sendSGI(.n(4), to: 0) == .becamePending)
        #expect(try d.sendSGI(.n(4), to: 0) == .merged)
        #expect(cpu.acknowledge() == .n(4))
        try cpu.endOfInterrupt(.n(4))
        #expect(cpu.acknowledge() == .spurious)
        #expect(cpu.statistics()[.n(4)].merged == 1)
    }

    @Test func noHandlerAndNothingToDoAreSpurious() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        try cpu.registerHandler(for: .n(7)) { _, _ in .nothingToDo }
        try d.sendSGI(.n(6), to: 0)
        try d.sendSGI(.n(7), to: 0)
        #expect(try cpu.takeInterrupt() == .taken(.n(6), .noHandler, rePended: false))
        #expect(try cpu.takeInterrupt() == .taken(.n(7), .nothingToDo, rePended: false))
        let stats = cpu.statistics()
        #expect(stats[.n(6)].spurious == 1 && stats[.n(6)].handled == 0)
        #expect(stats[.n(7)].spurious == 1 && stats[.n(7)].handled == 0)
    }

    @Test func secondHandlerRegistrationIsRefused() throws {
        let d = try Distributor(cpuCount: 2)
        try d.cpu(0).registerHandler(for: spe) { _, _ in .handled }
        #expect(throws: HostIRQError.handlerAlreadyRegistered(spe, cpu: 0)) {
            try d.cpu(0).registerHandler(for: spe) { _, _ in .handled }
        }
        // Another CPU's bank is separate.
        try d.cpu(1).registerHandler(for: spe) { _, _ in .handled }
        // The distributor installed the kick handler already.
        #expect(throws: HostIRQError.handlerAlreadyRegistered(.kick, cpu: 1)) {
            try d.cpu(1).registerHandler(for: .kick) { _, _ in .handled }
        }
        #expect(throws: HostIRQError.notPrivate(.n(40))) {
            try d.cpu(0).registerHandler(for: .n(40)) { _, _ in .handled }
        }
    }

    @Test func handlerRunsWithNoLockHeld() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let seen = CallLog<CPUInterruptStatistics>()
        // Re-entering the CPU interface from the handler would deadlock if a lock were held.
        try cpu.registerHandler(for: spe) { _, _ in
            seen.append(cpu.statistics())
            _ = try? d.setLevel(.spePMBIRQ, high: false, on: 0)
            return .handled
        }
        try d.setLevel(spe, high: true, on: 0)
        #expect(try cpu.takeInterrupt() == .taken(spe, .handled, rePended: false))
        #expect(seen.all.first?[spe].acknowledged == 1)
    }

    @Test func endOfInterruptOfInactiveInterruptIsRefused() throws {
        let d = try Distributor(cpuCount: 1)
        #expect(throws: HostIRQError.notActive(spe, cpu: 0)) { try d.cpu(0).endOfInterrupt(spe) }
        #expect(throws: HostIRQError.notActive(.spurious, cpu: 0)) { try d.cpu(0).endOfInterrupt(.spurious) }
    }

    @Test func maskHoldsInterruptsUntilUnmask() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let wakes = CallLog<CPUWakeReason>()
        cpu.setWakeCallback { _, reason in wakes.append(reason) }
        cpu.mask()
        try d.setLevel(spe, high: true, on: 0)
        #expect(!cpu.hasDeliverableInterrupt)
        #expect(cpu.acknowledge() == .spurious)
        #expect(wakes.all.isEmpty)
        cpu.unmask()
        #expect(cpu.hasDeliverableInterrupt)
        #expect(wakes.all == [.interruptPending])
        #expect(cpu.acknowledge() == spe)
    }

    @Test func priorityMaskFiltersLessUrgentInterrupts() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        cpu.setPriorityMask(Priority(0xA0))
        try d.setLevel(spe, high: true, on: 0)  // 0xA0 is not below the mask
        #expect(!cpu.hasDeliverableInterrupt)
        try d.sendSGI(.n(1), to: 0)  // 0x40 is
        #expect(cpu.acknowledge() == .n(1))
        cpu.setPriorityMask(.lowest)
        try cpu.endOfInterrupt(.n(1))
        #expect(cpu.acknowledge() == spe)
    }

    @Test func disabledInterruptStaysPendingUntilEnabled() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        try cpu.setEnabled(spe, false)
        try d.setLevel(spe, high: true, on: 0)
        #expect(!cpu.hasDeliverableInterrupt)
        #expect(try cpu.state(of: spe).isPending)
        try cpu.setEnabled(spe, true)
        #expect(cpu.acknowledge() == spe)
    }

    @Test func configurationRules() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        #expect(throws: HostIRQError.sgiMustBeEdge(.n(3))) { try cpu.configure(.n(3), trigger: .level) }
        try d.setLevel(spe, high: true, on: 0)
        #expect(throws: HostIRQError.interruptBusy(spe)) { try cpu.configure(spe, trigger: .edge) }
        try d.setLevel(spe, high: false, on: 0)
        try cpu.configure(.n(20), trigger: .edge)
        #expect(try d.pulse(.n(20), on: 0) == .becamePending)
        #expect(throws: HostIRQError.wrongTrigger(.n(20), expected: .level)) {
            try d.setLevel(.n(20), high: true, on: 0)
        }
        #expect(throws: HostIRQError.wrongTrigger(spe, expected: .edge)) { try d.pulse(spe, on: 0) }
        #expect(throws: HostIRQError.notPrivate(.n(40))) { try cpu.configure(.n(40), priority: .highest) }
    }

    @Test func pendingInterruptForcesGuestExitAndBlocksEntry() throws {
        let d = try Distributor(cpuCount: 2)
        let cpu = try d.cpu(1)
        let wakes = CallLog<CPUWakeReason>()
        cpu.setWakeCallback { id, reason in
            #expect(id == 1)
            wakes.append(reason)
        }
        #expect(cpu.enterGuest() == .entered)
        #expect(cpu.isInGuest && !cpu.guestMustExit)
        try d.setLevel(spe, high: true, on: 1)
        #expect(cpu.guestMustExit)
        #expect(wakes.all == [.guestMustExit])
        try d.setLevel(spe, high: true, on: 1)  // no new wake: already deliverable
        #expect(wakes.all.count == 1)
        cpu.exitGuest()
        #expect(cpu.enterGuest() == .interruptPending)
        #expect(!cpu.isInGuest)
        #expect(cpu.acknowledge() == spe)
        #expect(cpu.enterGuest() == .entered)
        let stats = cpu.statistics()
        #expect(stats.wakeups == 1 && stats.guestExitsForced == 1)
    }

    @Test func wakeCallbackRunsWithNoLockHeld() throws {
        let d = try Distributor(cpuCount: 1)
        let cpu = try d.cpu(0)
        let seen = CallLog<INTID>()
        // The callback re-enters the CPU: with a lock held this would deadlock.
        cpu.setWakeCallback { _, _ in seen.append(cpu.acknowledge()) }
        try d.setLevel(spe, high: true, on: 0)
        #expect(seen.all == [spe])
        #expect(try cpu.state(of: spe).isActive)
    }
}
