/// Latencies a VCPU has started and not yet ended, carried with its figures.
struct PendingLatencies: Hashable, Sendable {
    /// When it blocked in WFI: a wake stamped at or after it ends a `wakeup` sample at the next entry.
    var blockedSince: UInt64?
    /// The wake that ended its block, taken from its ``VCPUControl``.
    var wokenAt: UInt64?
    /// When its SPE unit raised a management event its driver has not yet seen.
    var speEventAt: UInt64?
    /// Its driver read `PMBSR_EL1` with `S` set: the `spe-irq` sample ends at the next entry.
    var speEventSeen = false
}

extension VCPUFigures {
    /// The latencies that end when the VCPU is back in the guest at `time`: `wakeup` (the first
    /// entry after a block woken by an interrupt) and `spe-irq` (its driver's read of `S`
    /// returns to the guest).
    mutating func latenciesEnded(atEntry time: UInt64) {
        if let blocked = pending.blockedSince {
            if let woken = pending.wokenAt, woken >= blocked, time >= woken {
                latency.record(.wakeup, time - woken, endingAt: time)
            }
            pending.blockedSince = nil
            pending.wokenAt = nil
        }
        if pending.speEventSeen, let event = pending.speEventAt {
            latency.record(.speIRQ, time &- event, endingAt: time)
            pending.speEventAt = nil
            pending.speEventSeen = false
        }
    }

    /// The VCPU blocked in WFI at `time` (the first block of a wait counts).
    mutating func blocked(at time: UInt64) {
        if pending.blockedSince == nil { pending.blockedSince = time }
    }

    /// The wake stamped by the virtual interrupt that woke it, if any (``VCPUControl/takeWake()``);
    /// a stamp while it is not blocked is stale (a wake that raced with another reason to run).
    mutating func woken(at time: UInt64?) {
        if let time, pending.blockedSince != nil { pending.wokenAt = time }
    }

    /// The guest takes its virtual timer's interrupt at `time`; the timer expired at `deadline`.
    mutating func timerHandled(deadline: UInt64, at time: UInt64) {
        latency.record(.timer, time &- deadline, endingAt: time)
    }

    /// A kick that became deliverable at `sent` is pending when the VCPU exits at `time`.
    mutating func kicked(sent: UInt64, exitedAt time: UInt64) {
        latency.record(.kick, time >= sent ? time - sent : 0, endingAt: time)
    }

    /// The VCPU re-entered at `entry` after its exit at `exit` without giving the CPU up; `spe` of
    /// that time was SPE's world switch.
    mutating func exitHandled(exitedAt exit: UInt64, enteredAt entry: UInt64, spe: UInt64) {
        let total = entry &- exit
        let speWork = min(spe, total)
        latency.record(.exit, total, endingAt: entry)
        latency.record(.exitSPE, speWork, endingAt: entry)
        latency.record(.exitRest, total - speWork, endingAt: entry)
    }

    /// Its SPE unit raised a management event at `time` (a later one before its driver saw the
    /// first does not restart the sample: `S` was already set).
    mutating func speManagementEvent(at time: UInt64) {
        if pending.speEventAt == nil { pending.speEventAt = time }
    }

    /// Its driver read `PMBSR_EL1` and saw `S` set.
    mutating func speSyndromeSeen() {
        if pending.speEventAt != nil { pending.speEventSeen = true }
    }
}
