import HostIRQ
import SPEDevice

/// A virtual CPU: a default actor (no executor of its own) holding the VCPU's architectural state
/// while it is not loaded, and running on whichever physical CPU it is placed on. Moving it is
/// `vcpu_put` on the old CPU and `vcpu_load` on the new one; its work then runs under the new
/// CPU's executor preference. An actor's executor never changes.
public actor VCPU {
    public nonisolated let id: VCPUID
    public nonisolated let environment: KVMEnvironment
    /// The context while the VCPU is not loaded (nil while a CPU holds it).
    private var context: VCPUSPEContext?
    /// The CPU it is loaded on.
    public private(set) var cpu: PhysicalCPU?

    public init(context: VCPUSPEContext, environment: KVMEnvironment) {
        id = context.id
        self.environment = environment
        self.context = context
    }

    /// Loads the VCPU on `target`, putting it from where it was first.
    public func place(on target: PhysicalCPU) async throws(SPEDeviceError) {
        if let current = cpu {
            if current === target { return }
            context = await current.put()
            cpu = nil
        }
        guard let outgoing = context else { preconditionFailure("\(id) has no context to load") }
        try await target.load(outgoing, environment: environment)
        context = nil
        cpu = target
    }

    /// The CPUs of its SPU (nil: a VCPU without SPE may run anywhere), read while it is unloaded.
    var spuCPUs: [Int]? { context?.spe.spu }

    /// KVM's SPE counters of the VCPU, wherever its context is.
    var spe: VCPUSPEState {
        get async { await withContext { $0.spe } }
    }

    /// Puts the VCPU from its CPU (it keeps its context).
    public func unload() async {
        guard let current = cpu else { return }
        context = await current.put()
        cpu = nil
    }

    /// Leaves its CPU without `vcpu_put`, keeping a copy of its context (only the
    /// `put-skipped-on-move` mutation does this).
    func leaveWithoutPut() async {
        guard let current = cpu else { return }
        context = await current.copyOfContext()
        cpu = nil
    }

    /// Runs `steps` in the guest on the VCPU's CPU until the guest yields back to its driver: how
    /// exec runs a script's guest actions. Returns the guest's state after them.
    public func run(_ steps: [GuestStep], guest: GuestState, vgic: VirtualInterruptController, control: VCPUControl)
        async -> GuestState
    {
        guard let cpu else { preconditionFailure("\(id) is not loaded") }
        var guest = guest
        guest.queue = StepQueue(steps + [.yieldToDriver])
        let (after, _, _) = await cpu.runSlice(guest, figures: VCPUFigures(id: id, workload: .mixed), vgic: vgic, control: control,
            sliceEnd: .max)
        return after
    }

    /// Runs `body` on the VCPU's context, wherever it is.
    public func withContext<R: Sendable>(_ body: @Sendable (inout VCPUSPEContext) -> R) async -> R {
        if let cpu { return await cpu.withLoadedContext(body) }
        return body(&context!)
    }
}
