/// Counts kept for one interrupt on one CPU (or one virtual interrupt on one VCPU).
public struct IRQCounts: Sendable, Equatable {
    /// Raise requests that changed something: a level line going high, an SGI or edge sent
    /// (merged ones included).
    public var raised: UInt64 = 0
    /// Edges that found the interrupt already pending and merged into it.
    public var merged: UInt64 = 0
    /// Level interrupts lowered before they were acknowledged.
    public var cancelled: UInt64 = 0
    /// Acknowledges that returned this INTID.
    public var acknowledged: UInt64 = 0
    /// Acknowledged and the handler did work.
    public var handled: UInt64 = 0
    /// Acknowledged with no handler, or the handler found nothing to do.
    public var spurious: UInt64 = 0
    /// End-of-interrupts after which the interrupt was pending again (a storm shows here).
    public var rePended: UInt64 = 0

    /// All zero.
    public init() {}
}

/// The counts of one INTID, for a snapshot.
public struct INTIDStatistics: Sendable, Equatable {
    /// The interrupt.
    public var intid: INTID
    /// Its counts.
    public var counts: IRQCounts
    /// An entry.
    public init(intid: INTID, counts: IRQCounts) {
        self.intid = intid
        self.counts = counts
    }
}

/// A snapshot of one physical CPU's interrupt statistics.
public struct CPUInterruptStatistics: Sendable, Equatable {
    /// The CPU.
    public var cpu: CPUID
    /// Acknowledges that found nothing deliverable (returned 1023).
    public var nothingPending: UInt64
    /// Times the CPU went from nothing deliverable to something deliverable.
    public var wakeups: UInt64
    /// Of those, the times a guest was running and had to exit.
    public var guestExitsForced: UInt64
    /// Per INTID, sorted by INTID; only interrupts with a nonzero count appear.
    public var perINTID: [INTIDStatistics]

    /// The counts of one INTID (zero if it never appeared).
    public subscript(intid: INTID) -> IRQCounts {
        perINTID.first { $0.intid == intid }?.counts ?? IRQCounts()
    }

    /// The sum over all INTIDs.
    public var total: IRQCounts {
        perINTID.reduce(into: IRQCounts()) { sum, entry in
            sum.raised += entry.counts.raised
            sum.merged += entry.counts.merged
            sum.cancelled += entry.counts.cancelled
            sum.acknowledged += entry.counts.acknowledged
            sum.handled += entry.counts.handled
            sum.spurious += entry.counts.spurious
            sum.rePended += entry.counts.rePended
        }
    }
}

/// A snapshot of a whole distributor's statistics, one entry per CPU in CPU order.
public struct IRQStatistics: Sendable, Equatable {
    /// Per CPU, sorted by CPU.
    public var cpus: [CPUInterruptStatistics]
    /// The statistics of one CPU.
    public subscript(cpu: CPUID) -> CPUInterruptStatistics? {
        cpus.first { $0.cpu == cpu }
    }
}

extension IRQCounts {
    /// True when every count is zero.
    var isZero: Bool { self == IRQCounts() }
}
