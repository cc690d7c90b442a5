/// HostIRQ: the host interrupt controller of spe-vm.
///
/// The module models the parts of a GICv3 and of KVM's virtual GIC that the guest-SPE design
/// touches:
///
/// - **Identifiers and configuration.** ``INTID`` (SGI 0–15, PPI 16–31, SPI 32–1019; 1020–1023
///   special, 1023 the spurious acknowledge value), ``Trigger`` (level or edge), ``Priority``
///   (lower is more urgent), enable. A bad number is a ``HostIRQError``.
/// - **Interrupt state.** ``InterruptState`` is the pure state machine of one interrupt (pending,
///   active, enabled, line or edge latch) shared by physical and virtual interrupts: a level
///   still high after end-of-interrupt pends again, one lowered before acknowledge is cancelled,
///   an edge raised while active is taken once more.
/// - **Physical CPUs.** A ``Distributor`` owns one ``CPUInterface`` per physical CPU. Lines are
///   raised and lowered, SGIs sent and SPIs routed from any thread; the CPU itself acknowledges,
///   runs the handler (``CPUInterface/takeInterrupt()``, with no lock held) and ends the
///   interrupt. ``CPUInterface/hasDeliverableInterrupt`` is one atomic load a CPU running a guest
///   can poll; ``CPUInterface/setWakeCallback(_:)`` reports when a CPU goes from nothing
///   deliverable to something deliverable (so the platform cuts a guest period short or wakes an
///   idle CPU thread).
/// - **Virtual interrupts.** A ``VirtualInterruptController`` per VCPU holds its level-triggered
///   virtual PPIs (the SPE interrupt, INTID 21 by default, and the virtual timer, INTID 27), whose
///   levels the hypervisor sets; a bounded set of ``ListRegister``s filled on entry (the overflow
///   kept pending); the guest's acknowledge and end-of-interrupt; the end-of-interrupt
///   maintenance exit of a level interrupt without hardware link. A ``VCPUInterruptRouter``
///   decides how a new interrupt reaches its VCPU: a kick (SGI 0, ``INTID/kick``) to the CPU it
///   runs on, a wake if it is blocked in WFI, nothing if it is outside the guest.
/// - **Statistics.** ``IRQStatistics`` (per CPU and INTID: raised, merged, cancelled,
///   acknowledged, handled, spurious, re-pended) and ``VirtualInterruptStatistics`` (per VCPU:
///   injected, delivered, maintenance exits, kicks, wakes, and injection→delivery latencies from
///   an ``IRQClock``), as value snapshots in INTID order.
///
/// Thread-safety is by construction: every mutable state sits behind one short critical section
/// per CPU or VCPU that never waits for an event, and handlers, wake callbacks and kicks run with
/// no lock held. The module creates no threads or tasks, uses no Dispatch, reads time only from
/// the injected clock, and takes no decision from `Set` or `Dictionary` order, so it runs
/// unchanged under the deterministic simulator.
public enum HostIRQModule {
    /// The module's name, for reports.
    public static let name = "HostIRQ"
}
