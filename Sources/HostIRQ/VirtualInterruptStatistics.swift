/// Raw injection→delivery latencies of virtual interrupts, in nanoseconds of the injected clock.
public struct LatencySamples: Sendable, Equatable {
    /// Every sample, in the order taken.
    public private(set) var samples: [UInt64] = []
    /// The smallest sample (0 when empty).
    public private(set) var minimum: UInt64 = 0
    /// The largest sample (0 when empty).
    public private(set) var maximum: UInt64 = 0
    /// The sum of the samples.
    public private(set) var sum: UInt64 = 0
    /// The number of samples.
    public var count: Int { samples.count }

    /// No samples.
    public init() {}

    /// Adds a sample.
    public mutating func record(_ nanoseconds: UInt64) {
        minimum = samples.isEmpty ? nanoseconds : min(minimum, nanoseconds)
        maximum = max(maximum, nanoseconds)
        sum &+= nanoseconds
        samples.append(nanoseconds)
    }
}

/// Counts of one virtual interrupt of a VCPU.
public struct VirtualINTIDStatistics: Sendable, Equatable {
    /// The virtual interrupt.
    public var intid: INTID
    /// Times it became pending (a rising level, or re-pended after the guest's end-of-interrupt).
    public var injected: UInt64 = 0
    /// Of those, re-pends after end-of-interrupt with the level still high.
    public var rePended: UInt64 = 0
    /// Times the level dropped before the guest acknowledged it.
    public var cancelled: UInt64 = 0
    /// Guest acknowledges of it.
    public var delivered: UInt64 = 0
    /// Guest end-of-interrupts of it that requested a maintenance exit.
    public var maintenanceRequests: UInt64 = 0
    /// Injection→delivery latencies.
    public var latency = LatencySamples()

    /// Zero counts for one interrupt.
    public init(intid: INTID) { self.intid = intid }
}

/// A snapshot of one VCPU's virtual interrupt statistics.
public struct VirtualInterruptStatistics: Sendable, Equatable {
    /// The VCPU.
    public var vcpu: VCPUIndex
    /// Times a virtual interrupt became pending (sum over interrupts).
    public var injected: UInt64 = 0
    /// Guest acknowledges (sum over interrupts).
    public var delivered: UInt64 = 0
    /// Exits that carried a maintenance request (end-of-interrupt of a level interrupt without
    /// hardware link, or list registers emptied with interrupts left over).
    public var maintenanceExits: UInt64 = 0
    /// Kick SGIs sent to the CPU running the VCPU.
    public var kicksSent: UInt64 = 0
    /// Injections that found the VCPU already kicked and exiting (no second kick).
    public var kicksFoundVCPUExiting: UInt64 = 0
    /// Wakes of the VCPU blocked in WFI.
    public var wakes: UInt64 = 0
    /// Interrupts left out of the list registers at an entry because all were full (kept pending).
    public var listRegisterOverflows: UInt64 = 0
    /// Injection→delivery latencies of every interrupt, in delivery order.
    public var latency = LatencySamples()
    /// Per virtual interrupt, sorted by INTID.
    public var perINTID: [VirtualINTIDStatistics] = []

    /// A zero snapshot.
    public init(vcpu: VCPUIndex) { self.vcpu = vcpu }

    /// The counts of one virtual interrupt.
    public subscript(intid: INTID) -> VirtualINTIDStatistics {
        perINTID.first { $0.intid == intid } ?? VirtualINTIDStatistics(intid: intid)
    }
}
