import SPEDevice

/// A guest that profiles itself with SPE: its driver reads `PMBIDR_EL1` to size its buffer within
/// the VMM's maximum, maps and programs the buffer, then the guest runs its program in chunks, and
/// the driver takes the virtual interrupt and services the buffer in DEN0154's order (SPE.md §5
/// "Guest drivers"): read `PMBSR_EL1`, clear `PMBLIMITR_EL1.E`, read `PMBPTR_EL1`, consume the
/// records, write 0 to `PMBSR_EL1`, reset `PMBPTR_EL1`, and set `E` again after a buffer-full event;
/// after a fault it reports it and stops profiling until its next chunk, where it starts its buffer
/// again (as `perf` restarts an event its driver stopped), so profiling goes on. With a bound it
/// disables its buffer after the last chunk and powers off; without one it runs for ever. A guest
/// without SPE only runs its program (its SPE accesses would be UNDEFINED).
///
/// The `guest-misprogram` fault (``misprogram(_:)``) makes the driver's next enable a bad buffer,
/// which KVM's enable checks refuse: it services the management event like any other and programs
/// its own buffer again.
///
/// Its ``GuestDriverStyle`` is the order it re-arms in (DEN0154's, or Linux's before 2025), and its
/// ``GuestSampling`` what it asks of the unit: a type filter (it reads `PMSIDR_EL1` first and
/// filters only when `FT` is shown) or discard mode.
public struct ProfileWorkload: GuestWorkload, Hashable {
    public let base: UInt64
    /// The buffer size the driver asks for; it programs at most the VMM's maximum (``bufferSize``).
    public let size: UInt64
    /// Operations between samples (a multiple of 256).
    public let interval: UInt64
    /// Operations per chunk, and chunks to run (nil: for ever).
    public let chunk: UInt64
    public let chunks: Int?
    /// The SPE PPI.
    public let speINTID: UInt32
    /// Whether the guest profiles at all (its VM has SPE).
    public let hasSPE: Bool
    /// The order the driver re-arms its buffer in, and what it asks of the unit.
    public let style: GuestDriverStyle
    public let sampling: GuestSampling

    /// The buffer the driver programmed, in bytes: ``size``, or the VMM's `PMBIDR_EL1.MaxBuffSize`
    /// when that is smaller (0 until the driver has read `PMBIDR_EL1`, and when it does not profile).
    public private(set) var bufferSize: UInt64 = 0
    public private(set) var chunksDone = 0
    /// SPE interrupts the driver took.
    public private(set) var speInterrupts = 0
    /// Records the driver consumed, and how many were truncated.
    public private(set) var recordsConsumed = 0
    public private(set) var truncatedRecords = 0
    /// The last `PMBSR_EL1` the driver read in its handler.
    public private(set) var lastSyndrome: UInt64 = 0
    /// Faults the driver reported (it stops profiling after one, until its next chunk).
    public private(set) var faults = 0
    /// Bad buffers the driver enabled (the `guest-misprogram` fault), counted when the enabling write
    /// completed, so each is one of KVM's enable refusals.
    public private(set) var misprogrammed = 0
    private var driver = DriverState.unprobed
    /// The VMM's maximum buffer size the driver read (0: none).
    private var maximumSize: UInt64 = 0
    /// A fault stopped profiling: the next chunk starts the buffer again.
    private var stoppedByFault = false
    /// The bad buffer the next enable programs, and where a bad enable is.
    private var misprogramDue: GuestMisprogram?
    private var misprogramStage = MisprogramStage.none
    /// The `PMSFCR_EL1` the driver wrote: its type filter, 0 without one (or when its VM hides
    /// `PMSIDR_EL1.FT`).
    public private(set) var filterControl: UInt64 = 0
    private var awaitingSyndrome = false
    private var finished = false

    /// Where the driver is.
    private enum DriverState: Hashable, Sendable {
        /// It has not looked at the hardware yet.
        case unprobed
        /// Its `PMBIDR_EL1` read is under way.
        case probing
        /// Its `PMSIDR_EL1` read is under way (it wants a type filter).
        case probingFeatures
        /// Its buffer is programmed (it may have stopped after a fault).
        case profiling
        /// It does not profile: no SPE, or programming is not allowed at EL1 (`PMBIDR_EL1.P`).
        case absent
    }

    /// A bad enable under way: its steps are queued, then its `PMBPTR_EL1` write completed; `edge`
    /// is the write after it that makes the enable edge (`PMBLIMITR_EL1`, or `PMBSR_EL1` when the
    /// legacy order clears `S` last).
    private enum MisprogramStage: Hashable, Sendable {
        case none
        case queued(edge: SPERegisterID)
        case pointerWritten(edge: SPERegisterID)
    }

    public init(base: UInt64, size: UInt64 = 16 * 1024, interval: UInt64 = 256, chunk: UInt64 = 20_000, chunks: Int?,
        speINTID: UInt32 = 21, hasSPE: Bool = true, style: GuestDriverStyle = .den0154, sampling: GuestSampling = .all)
    {
        self.base = base
        self.size = size
        self.interval = interval
        self.chunk = chunk
        self.chunks = chunks
        self.speINTID = speINTID
        self.hasSPE = hasSPE
        self.style = style
        self.sampling = sampling
    }

    /// Whether the driver has programmed a buffer.
    public var isProfiling: Bool { driver == .profiling }

    /// `PMBLIMITR_EL1` of the programmed buffer, disabled, in the fill mode its sampling asks for.
    private var limit: PMBLIMITR_EL1 {
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base + bufferSize) >> 12
        if sampling == .discard { limit.FM = .discard }
        return limit
    }

    /// `PMBLIMITR_EL1` as the driver leaves it between its handlers: enabled while it profiles,
    /// until the guest finishes or a fault stops it.
    var limitWritten: UInt64 {
        var value = limit
        value.E = driver == .profiling && !finished && !stoppedByFault
        return value.rawValue
    }

    public mutating func nextSteps(now: UInt64) -> [GuestStep] {
        let start = startSteps()
        if !start.isEmpty { return start }
        if chunks.map({ chunksDone < $0 }) ?? true { return chunkSteps() }
        return stopSteps()
    }

    /// The driver's first steps: read `PMBIDR_EL1` (the sizing and programming follow when the read
    /// completes). Nothing once it has begun, or without SPE.
    mutating func startSteps() -> [GuestStep] {
        guard driver == .unprobed else { return [] }
        guard hasSPE else {
            driver = .absent
            return []
        }
        driver = .probing
        return [.access(.PMBIDR_EL1, write: nil)]
    }

    /// One chunk of the program, after starting the buffer again if a fault stopped it.
    mutating func chunkSteps() -> [GuestStep] {
        chunksDone += 1
        guard stoppedByFault, driver == .profiling, !finished else { return [.operations(chunk)] }
        stoppedByFault = false
        return enableSteps() + [.operations(chunk)]
    }

    /// The driver points its buffer at its base and enables it: the enable edge KVM checks, unless
    /// `clearingSyndromeLast` (the legacy order after a buffer-full event), when `S` is still 1 and
    /// the edge is the `PMBSR_EL1` write that follows. With a misprogramming due, the buffer it
    /// enables is the bad one instead.
    private mutating func enableSteps(clearingSyndromeLast: Bool = false) -> [GuestStep] {
        var limitRegister = limit
        limitRegister.E = true
        var pointer = base
        if let kind = misprogramDue {
            misprogramDue = nil
            misprogramStage = .queued(edge: clearingSyndromeLast ? .PMBSR_EL1 : .PMBLIMITR_EL1)
            switch kind {
            case .oversized where maximumSize != 0:
                limitRegister.LIMIT = (base + maximumSize + AddressSpace.pageSize) >> 12
            case .misaligned, .oversized:
                // Half a record past the base: not a multiple of the 64-byte alignment.
                pointer = base + 32
            case .unmapped:
                // The page after the buffer, which the driver never mapped.
                pointer = AddressSpace.pageAligned(base..<(base + bufferSize)).upperBound
                limitRegister.LIMIT = (pointer + AddressSpace.pageSize) >> 12
            }
        }
        let steps: [GuestStep] = [.access(.PMBPTR_EL1, write: pointer), .access(.PMBLIMITR_EL1, write: limitRegister.rawValue)]
        return clearingSyndromeLast ? steps + [.access(.PMBSR_EL1, write: 0)] : steps
    }

    /// The `guest-misprogram` fault: the driver's next enable (after a buffer-full event, or when it
    /// starts again after a fault) programs a bad buffer of `kind`. Refused (false) unless the driver
    /// profiles; a second one before the first was enabled replaces it.
    public mutating func misprogram(_ kind: GuestMisprogram) -> Bool {
        guard driver == .profiling, !finished else { return false }
        misprogramDue = kind
        return true
    }

    /// The driver stops profiling for good: it disables its buffer (once; nothing if it never
    /// programmed one). A pending interrupt is still serviced, without enabling again.
    mutating func stopSteps() -> [GuestStep] {
        guard !finished else { return [] }
        finished = true
        return driver == .profiling ? [.access(.PMBLIMITR_EL1, write: limit.rawValue)] : []
    }

    public mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
        guard intid == speINTID else { return [] }
        speInterrupts += 1
        awaitingSyndrome = true
        return [.access(.PMBSR_EL1, write: nil)]
    }

    /// The driver's `PMBIDR_EL1` read sizes its buffer (and its `PMSIDR_EL1` read, when it wants a
    /// filter, finds whether it may), then it programs it; its handler's `PMBSR_EL1` read services
    /// the buffer. Other accesses (another part of the guest's) are not the driver's.
    public mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
        switch (register, result) {
        case (.PMBIDR_EL1, _) where driver == .probing:
            return probed(result)
        case (.PMSIDR_EL1, _) where driver == .probingFeatures:
            driver = .profiling
            if case .read(let raw) = result, PMSIDR_EL1(rawValue: raw).FT { filterControl = sampling.filterControl }
            return programSteps()
        case (.PMBSR_EL1, .read(let value)) where awaitingSyndrome:
            awaitingSyndrome = false
            return service(value)
        case (.PMBPTR_EL1, .wrote):
            if case .queued(let edge) = misprogramStage { misprogramStage = .pointerWritten(edge: edge) }
            return []
        case (_, .wrote) where misprogramStage == .pointerWritten(edge: register):
            misprogramStage = .none
            misprogrammed += 1
            return []
        default:
            return []
        }
    }

    /// The buffer is the size asked for, within the VMM's maximum (`MaxBuffSize`, 0: no limit).
    /// A driver that wants a type filter reads `PMSIDR_EL1` next; the others program the buffer.
    private mutating func probed(_ result: GuestActionResult) -> [GuestStep] {
        guard case .read(let raw) = result, !PMBIDR_EL1(rawValue: raw).P else {
            driver = .absent
            return []
        }
        let maximum = MaxBufferSize.decode(field: PMBIDR_EL1(rawValue: raw).MaxBuffSize)
        bufferSize = maximum == 0 ? size : min(size, maximum)
        maximumSize = maximum
        guard !sampling.needsTypeFilter else {
            driver = .probingFeatures
            return [.access(.PMSIDR_EL1, write: nil)]
        }
        driver = .profiling
        return programSteps()
    }

    /// Map the buffer, sample at EL0 and EL1 with context and timestamps every ``interval``
    /// operations, set the type filter if it has one, point at the base and enable.
    private mutating func programSteps() -> [GuestStep] {
        var scr = PMSCR_EL1(rawValue: 0)
        scr.E0SPE = true
        scr.E1SPE = true
        scr.CX = true
        scr.TS = true
        return [
            .map(base..<(base + bufferSize)), .access(.PMSCR_EL1, write: scr.rawValue),
            .access(.PMSIRR_EL1, write: max(1, interval / 256) << 8),
        ] + (filterControl == 0 ? [] : [.access(.PMSFCR_EL1, write: filterControl)]) + enableSteps()
    }

    /// The driver has read `PMBSR_EL1`: disable, consume, clear, reset the pointer, and enable
    /// again after a buffer-full event; after a fault, report it and stop profiling (until the
    /// next chunk). The legacy order re-arms without disabling and clears `S` last.
    private mutating func service(_ value: UInt64) -> [GuestStep] {
        lastSyndrome = value
        let sr = PMBSR_EL1(rawValue: value)
        let filled = sr.EC == .other && sr.MSS == UInt64(BufferStatusCode.bufferFilled.rawValue)
        if style == .legacy && filled && limitWritten != limit.rawValue {
            return [.access(.PMBPTR_EL1, write: nil), .consumeBuffer] + enableSteps(clearingSyndromeLast: true)
        }
        let steps: [GuestStep] = [
            .access(.PMBLIMITR_EL1, write: limit.rawValue), .access(.PMBPTR_EL1, write: nil), .consumeBuffer,
            .access(.PMBSR_EL1, write: 0),
        ]
        if !filled {
            faults += 1
            stoppedByFault = true
        }
        return steps + (limitWritten != limit.rawValue ? enableSteps() : [.access(.PMBPTR_EL1, write: base)])
    }

    public mutating func consumed(_ records: [DecodedRecord]) {
        recordsConsumed += records.count
        truncatedRecords += records.filter(\.truncated).count
    }

    public var driverFigures: DriverFigures {
        var figures = DriverFigures()
        figures.interrupts = UInt64(speInterrupts)
        figures.recordsConsumed = UInt64(recordsConsumed)
        figures.truncatedRecords = UInt64(truncatedRecords)
        figures.faults = UInt64(faults)
        figures.misprogrammed = UInt64(misprogrammed)
        return figures
    }
}
