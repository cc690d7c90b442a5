#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization
import Testing
@testable import HostIRQ

/// The virtual SPE device of one VCPU: an in-memory `S` count behind the virtual line.
final class VirtualLevelDevice: Sendable {
    private let events = PThreadMutex<Int>(0)
    let controller: VirtualInterruptController
    init(_ controller: VirtualInterruptController) { self.controller = controller }

    func signal() throws(HostIRQError) {
        try events.withLock { (n) throws(HostIRQError) in
            n += 1
            try controller.setLevel(.spePMBIRQ, high: true)
        }
    }

    func consume() throws(HostIRQError) -> Int {
        try events.withLock { (n) throws(HostIRQError) -> Int in
            defer { n = 0 }
            try controller.setLevel(.spePMBIRQ, high: false)
            return n
        }
    }
}

@Suite(.serialized) struct VirtualConcurrencyTests {
    /// One injector thread per VCPU raises its virtual SPE line while the VCPU's own thread (the
    /// physical CPU it is pinned to) enters, takes the interrupt, exits, takes kicks, and blocks
    /// in WFI when idle.
    @Test func injectorsAndRunningVCPUsLoseNothing() throws {
        let cpus = 2
        let events = 2000
        let d = try Distributor(cpuCount: cpus)
        let clock = ManualIRQClock()
        let controllers = try (0..<cpus).map {
            try VirtualInterruptController(vcpu: VCPUIndex($0), distributor: d, clock: clock)
        }
        let devices = controllers.map(VirtualLevelDevice.init)
        let consumed = (0..<cpus).map { _ in Counter() }
        let injectorsDone = Atomic<Bool>(false)
        let bells = (0..<cpus).map { _ in Doorbell() }
        for c in 0..<cpus {
            controllers[c].setWakeCallback { v in bells[v.rawValue].ring() }
            d.cpus[c].setWakeCallback { id, _ in bells[id.rawValue].ring() }
        }
        let vcpuThreads = (0..<cpus).map { c in
            TestThread {
                let v = controllers[c]
                let cpu = d.cpus[c]
                let finished = { injectorsDone.load(ordering: .acquiring) && consumed[c].current == events }
                do {
                    while true {
                        while try cpu.takeInterrupt() != .nothingPending {}
                        if finished() && !v.hasPendingInterrupt { return }
                        if !v.hasPendingInterrupt {
                            if try v.blockInWFI() == .blocked {
                                bells[c].wait { v.location != .blockedInWFI || finished() }
                                if v.location == .blockedInWFI { try v.unblock() }
                            }
                            continue
                        }
                        guard cpu.enterGuest() == .entered else { continue }
                        try v.enterGuest(on: CPUID(c))
                        while true {
                            let id = try v.guestAcknowledge()
                            if id == .spurious { break }
                            consumed[c].increment(by: try devices[c].consume())
                            _ = try v.guestEndOfInterrupt(id)
                        }
                        try v.exitGuest()
                        cpu.exitGuest()
                    }
                } catch {
                    Issue.record("VCPU thread \(c) failed: \(error)")
                }
            }
        }
        let injectors = (0..<cpus).map { c in
            TestThread {
                for k in 0..<events {
                    // Stay a few events ahead of the VCPU, so injections meet it in every state.
                    while consumed[c].current < k - 3 { sched_yield() }
                    do { try devices[c].signal() } catch { Issue.record("injector \(c): \(error)") }
                }
            }
        }
        for t in injectors { t.join() }
        injectorsDone.store(true, ordering: .releasing)
        for bell in bells { bell.ring() }
        for t in vcpuThreads { t.join() }

        let physical = d.statistics()
        for c in 0..<cpus {
            let s = controllers[c].statistics()
            #expect(consumed[c].current == events)
            #expect(!controllers[c].hasPendingInterrupt)
            #expect(s.delivered == s.injected)
            #expect(s.delivered >= 1)
            #expect(s[.spePMBIRQ].cancelled == 0)
            #expect(s.maintenanceExits == s.delivered)
            let kick = physical.cpus[c][.kick]
            #expect(kick.raised == s.kicksSent)
            #expect(kick.acknowledged == kick.raised - kick.merged)
            #expect(kick.handled == kick.acknowledged)
            #expect(!d.cpus[c].hasDeliverableInterrupt)
        }
    }
}
