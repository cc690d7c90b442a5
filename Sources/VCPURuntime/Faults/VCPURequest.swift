import HostIRQ
import Synchronization

/// Something asked of a VCPU from outside that needs its context or its guest: the CPU running the
/// VCPU carries it out before the VCPU's next entry (``VCPUControl/post(_:)``), the way KVM makes a
/// request of a VCPU and kicks it. The fault injector's channel to a VCPU.
public enum VCPURequest: Hashable, Sendable {
    /// The VMM takes the memory behind one page of the VCPU's buffer away at stage 2: page
    /// `pick % n` of the n pages pinned (or, with nothing pinned, of the buffer the guest last
    /// enabled). Nothing happens to a VCPU without a buffer, or if that page is already gone.
    case unmapBufferPage(pick: UInt64)
    /// The VMM puts back every page it took from the VCPU.
    case restoreMemory
    /// The guest's SPE driver enables a bad buffer next time (``GuestWorkload/misprogram(_:)``).
    case misprogram(GuestMisprogram)
}

extension VCPUControl {
    /// Asks the CPU that runs the VCPU to carry out `request` before the VCPU's next entry
    /// (requests are carried out in the order they were posted). Never waits for the VCPU.
    public func post(_ request: VCPURequest) { requests.post(request) }

    /// The requests posted and not yet carried out, oldest first, taking them.
    func takeRequests() -> [VCPURequest] { requests.take() }

    /// The VMM took the memory behind `range` away at stage 2.
    func noteTaken(_ range: Range<UInt64>) { requests.noteTaken(range) }

    /// What the VMM took away, oldest first, handing it back.
    func takeTaken() -> [Range<UInt64>] { requests.takeTaken() }
}

/// A VCPU's posted requests and the guest memory the VMM has taken from it: posted from any thread
/// (a housekeeping tick), taken by the CPU that runs the VCPU. The CPU's check before every entry is
/// one atomic load; the rest is one short critical section.
final class VCPURequestQueue: Sendable {
    private let posted = Atomic<Bool>(false)
    private let state = PThreadMutex(State())

    private struct State: Sendable {
        var pending: [VCPURequest] = []
        var taken: [Range<UInt64>] = []
    }

    func post(_ request: VCPURequest) {
        state.withLock { $0.pending.append(request) }
        posted.store(true, ordering: .releasing)
    }

    func take() -> [VCPURequest] {
        guard posted.exchange(false, ordering: .acquiring) else { return [] }
        return state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    func noteTaken(_ range: Range<UInt64>) { state.withLock { $0.taken.append(range) } }

    func takeTaken() -> [Range<UInt64>] {
        state.withLock { state in
            defer { state.taken = [] }
            return state.taken
        }
    }
}
