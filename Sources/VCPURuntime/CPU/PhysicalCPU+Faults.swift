import HostIRQ
import SPEDevice

/// The faults a physical CPU carries out itself, on its own executor: requests posted to the VCPU
/// it runs (``VCPURequest``), its armed faults (``CPUFaults``), and the host session's toggle.
extension PhysicalCPU {
    /// Carries out the requests posted to the VCPU whose context and guest it holds, in order,
    /// before the VCPU's next entry.
    func applyRequests(_ control: VCPUControl, _ vcpu: inout VCPUSPEContext, _ guest: inout GuestState) {
        for request in control.takeRequests() {
            switch request {
            case .unmapBufferPage(let pick):
                guard let page = Self.bufferPage(of: vcpu.spe, pick: pick), vcpu.memory.stage2.covers(page) else { continue }
                vcpu.memory.unmapStage2(page)
                control.noteTaken(page)
                faults.ledger.count(.stage2Unmap)
            case .restoreMemory:
                for range in control.takeTaken() { vcpu.memory.mapStage2(range) }
            case .misprogram(let kind):
                // Counted by the guest's driver when it enables the bad buffer.
                _ = guest.workload.misprogram(kind)
            }
        }
    }

    /// Page `pick % n` of the n pages of the VCPU's buffer: the pinned pages, else those of the
    /// buffer its guest last enabled; nil without a buffer.
    static func bufferPage(of spe: VCPUSPEState, pick: UInt64) -> Range<UInt64>? {
        let pages: Range<UInt64>
        if let pinned = spe.pinned {
            pages = pinned
        } else if spe.hasBufferBase, spe.memory.limitAddress > spe.bufferBase {
            pages = AddressSpace.pageAligned(spe.bufferBase..<spe.memory.limitAddress)
        } else {
            return nil
        }
        let count = (pages.upperBound - pages.lowerBound) / AddressSpace.pageSize
        guard count > 0 else { return nil }
        let start = pages.lowerBound + pick % count * AddressSpace.pageSize
        return start..<(start + AddressSpace.pageSize)
    }

    /// `late-irq`, before a guest period: the unit ran ahead `ran` operations and the last one
    /// raised `PMBIRQ`. If the fault is armed and that event came from a sample in flight, the period
    /// is cut one operation short, leaving that sample in flight, so the exit's drain completes it
    /// and fills the buffer there. `savedDevice` and `savedContext` are the state before the run-ahead;
    /// true if the period was cut (``lateEventArrives()`` then ends it).
    func cutBeforeLateEvent(
        _ ran: inout UInt64, savedDevice: CPUSPEDevice, savedContext: VCPUSPEContext, _ vcpu: inout VCPUSPEContext,
        guest: GuestState, start: UInt64
    ) -> Bool {
        guard ran > 0, device.unit.pmbirq, faults.isArmed(.lateIRQ) else { return false }
        let ranAhead = (device: device, context: vcpu)
        device = savedDevice
        vcpu = savedContext
        let cut = device.runGuest(ran - 1, of: guest.program, from: guest.position, at: guest.exceptionLevel, vcpu: &vcpu,
            now: start)
        if cut == ran - 1, !device.unit.pmbirq, device.unit.inFlight != nil {
            ran = cut
            return true
        }
        (device, vcpu) = ranAhead
        return false
    }

    /// `late-irq`, after a period ``cutBeforeLateEvent(_:savedDevice:savedContext:_:guest:start:)``
    /// cut and that ran to its end: an interrupt arrives with the sample still in flight (a kick to
    /// this CPU, taken by the host after the exit), and the fault is taken.
    func lateEventArrives() {
        guard faults.take(.lateIRQ) else { return }
        _ = try? distributor.sendSGI(.kick, to: CPUID(index))
    }

    /// `host-perf`: starts the host's SPE session if none runs here, else stops it
    /// (``setHostSession(_:)``). Returns whether a session runs now.
    public func toggleHostSession() -> Bool {
        setHostSession(device.host == nil)
        return device.host != nil
    }
}
