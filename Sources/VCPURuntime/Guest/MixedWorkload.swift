import HostIRQ
import SPEDevice

/// A guest that profiles itself (a ``ProfileWorkload`` driver) and, after each chunk of its program,
/// does one thing a guest kernel does besides, chosen from a seeded `SplitMix64` it carries (so the
/// same seed gives the same choices): read a trapped SPE register, rewrite `PMBLIMITR_EL1` with the
/// value it holds, write and read back a sampling filter, make a hypercall, or idle in WFI until its
/// periodic virtual-timer tick (a ``TimerWorkload``). None of them disturbs the driver. Without SPE it
/// only runs its program, makes hypercalls and idles. With a bound it runs that many rounds (a chunk
/// and a choice), then disables its buffer, stops its tick and powers off; without one it runs for ever.
public struct MixedWorkload: GuestWorkload, Hashable {
    /// What the guest does between chunks.
    public enum Action: String, CaseIterable, Hashable, Sendable {
        /// A trapped read of `PMSIDR_EL1`, `PMBIDR_EL1`, `PMBSR_EL1` or `PMBPTR_EL1` (an exit each).
        case trappedRead = "trapped-read"
        /// A trapped write of `PMBLIMITR_EL1` with the value the driver left in it (no enable edge,
        /// no order violation), read back.
        case limitRewrite = "limit-rewrite"
        /// `PMSEVFR_EL1` or `PMSLATFR_EL1` written with a random value and read back, and
        /// `PMSFCR_EL1` read (what the driver wrote: its type filter, else its reset 0). Direct
        /// with SPE (no exit): the values must survive the world switches and moves between them.
        case filterRoundTrip = "filter-round-trip"
        /// An HVC (an exit).
        case hypercall
        /// WFI until the next tick of its virtual timer (arming it the first time).
        case idle

        /// The actions of a guest that profiles, or of one that does not.
        public static func available(profiling: Bool) -> [Action] {
            profiling ? allCases : [.hypercall, .idle]
        }
    }

    /// The guest's SPE driver and program.
    public private(set) var profile: ProfileWorkload
    /// The guest's periodic virtual-timer tick.
    public private(set) var tick: TimerWorkload
    /// Rounds to run (nil: for ever), and rounds done.
    public let rounds: Int?
    public private(set) var roundsDone = 0
    /// How often each action was chosen.
    public private(set) var actions: [Action: Int] = [:]
    /// Reads that did not return what the guest expects.
    public private(set) var readBackMismatches = 0
    /// Interrupts that are neither the tick nor SPE.
    public private(set) var otherInterrupts = 0
    private var random: SplitMix64
    /// Reads of the guest's own whose values it checks, oldest first.
    private var expectedReads: [ExpectedRead] = []
    private var started = false
    private var actionDue = false
    private var finished = false

    /// A read whose value the guest knows in advance; `nil`: the driver's `PMBLIMITR_EL1`.
    private struct ExpectedRead: Hashable, Sendable {
        var register: SPERegisterID
        var value: UInt64?
    }

    public init(
        base: UInt64, hasSPE: Bool, seed: UInt64, timerPeriod: UInt64, rounds: Int? = nil, speINTID: UInt32 = 21,
        chunk: UInt64 = 20_000, style: GuestDriverStyle = .den0154, sampling: GuestSampling = .all
    ) {
        profile = ProfileWorkload(
            base: base, chunk: chunk, chunks: nil, speINTID: speINTID, hasSPE: hasSPE, style: style, sampling: sampling)
        tick = TimerWorkload(period: timerPeriod)
        self.rounds = rounds
        random = SplitMix64(seed: seed)
    }

    public mutating func nextSteps(now: UInt64) -> [GuestStep] {
        if !started {
            started = true
            let steps = profile.startSteps()
            if !steps.isEmpty { return steps }
        }
        if let rounds, roundsDone >= rounds {
            guard !finished else { return [] }
            finished = true
            return profile.stopSteps() + tick.stopSteps()
        }
        if actionDue {
            actionDue = false
            roundsDone += 1
            return chooseAction(now: now)
        }
        actionDue = true
        return profile.chunkSteps()
    }

    /// One action, at random among those available.
    private mutating func chooseAction(now: UInt64) -> [GuestStep] {
        let choices = Action.available(profiling: profile.isProfiling)
        let action = choices[Int(random.next() % UInt64(choices.count))]
        actions[action, default: 0] += 1
        switch action {
        case .trappedRead:
            let registers: [SPERegisterID] = [.PMSIDR_EL1, .PMBIDR_EL1, .PMBSR_EL1, .PMBPTR_EL1]
            return [.access(registers[Int(random.next() % UInt64(registers.count))], write: nil)]
        case .limitRewrite:
            expectedReads.append(ExpectedRead(register: .PMBLIMITR_EL1, value: nil))
            return [.access(.PMBLIMITR_EL1, write: profile.limitWritten), .access(.PMBLIMITR_EL1, write: nil)]
        case .filterRoundTrip:
            let register: SPERegisterID = random.next() % 2 == 0 ? .PMSEVFR_EL1 : .PMSLATFR_EL1
            let value = random.next() & ~register.spec.res0Mask
            expectedReads.append(ExpectedRead(register: register, value: value))
            expectedReads.append(ExpectedRead(register: .PMSFCR_EL1, value: profile.filterControl))
            return [.access(register, write: value), .access(register, write: nil), .access(.PMSFCR_EL1, write: nil)]
        case .hypercall:
            return [.hypercall]
        case .idle:
            return tick.nextSteps(now: now)
        }
    }

    public mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
        if intid == profile.speINTID { return profile.handle(interrupt: intid, now: now) }
        if intid == INTID.virtualTimer.rawValue { return tick.handle(interrupt: intid, now: now) }
        otherInterrupts += 1
        return []
    }

    /// The driver's reads go to the driver; the guest checks the reads it expects.
    public mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
        let steps = profile.completed(register, result)
        if case .read(let value) = result, let first = expectedReads.first, first.register == register {
            expectedReads.removeFirst()
            if value != (first.value ?? profile.limitWritten) { readBackMismatches += 1 }
        }
        return steps
    }

    public mutating func consumed(_ records: [DecodedRecord]) { profile.consumed(records) }

    /// Its driver enables a bad buffer next time (the `guest-misprogram` fault).
    public mutating func misprogram(_ kind: GuestMisprogram) -> Bool { profile.misprogram(kind) }

    public var driverFigures: DriverFigures { profile.driverFigures }
}
