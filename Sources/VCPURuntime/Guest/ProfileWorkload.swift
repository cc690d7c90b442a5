import SPEDevice

/// A guest that profiles itself with SPE: it programs a buffer, runs its program in chunks, and its
/// SPE driver takes the virtual interrupt and services the buffer in DEN0154's order (SPE.md §5
/// "Guest drivers"): read `PMBSR_EL1`, clear `PMBLIMITR_EL1.E`, read `PMBPTR_EL1`, consume the
/// records, write 0 to `PMBSR_EL1`, reset `PMBPTR_EL1`, and set `E` again after a buffer-full event;
/// after a fault it reports it and stops profiling. It maps its buffer before programming it.
public struct ProfileWorkload: GuestWorkload, Hashable {
    public let base: UInt64
    public let size: UInt64
    /// Operations between samples (a multiple of 256).
    public let interval: UInt64
    /// Operations per chunk, and chunks to run.
    public let chunk: UInt64
    public let chunks: Int
    /// The SPE PPI.
    public let speINTID: UInt32

    public private(set) var chunksDone = 0
    /// SPE interrupts the driver took.
    public private(set) var speInterrupts = 0
    /// Records the driver consumed, and how many were truncated.
    public private(set) var recordsConsumed = 0
    public private(set) var truncatedRecords = 0
    /// The last `PMBSR_EL1` the driver read in its handler.
    public private(set) var lastSyndrome: UInt64 = 0
    /// Faults the driver reported (it stops profiling after one).
    public private(set) var faults = 0
    private var programmed = false
    private var finished = false

    public init(base: UInt64, size: UInt64 = 16 * 1024, interval: UInt64 = 256, chunk: UInt64 = 20_000, chunks: Int,
        speINTID: UInt32 = 21)
    {
        self.base = base
        self.size = size
        self.interval = interval
        self.chunk = chunk
        self.chunks = chunks
        self.speINTID = speINTID
    }

    private var limit: PMBLIMITR_EL1 {
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = (base + size) >> 12
        return limit
    }

    public mutating func nextSteps(now: UInt64) -> [GuestStep] {
        if !programmed {
            programmed = true
            var scr = PMSCR_EL1(rawValue: 0)
            scr.E0SPE = true
            scr.E1SPE = true
            scr.CX = true
            scr.TS = true
            var enabled = limit
            enabled.E = true
            return [
                .map(base..<(base + size)), .access(.PMSCR_EL1, write: scr.rawValue), .access(.PMSIRR_EL1, write: max(1, interval / 256) << 8),
                .access(.PMBPTR_EL1, write: base), .access(.PMBLIMITR_EL1, write: enabled.rawValue),
            ]
        }
        if chunksDone < chunks {
            chunksDone += 1
            return [.operations(chunk)]
        }
        if !finished {
            finished = true
            return [.access(.PMBLIMITR_EL1, write: limit.rawValue)]
        }
        return []
    }

    public mutating func handle(interrupt intid: UInt32, now: UInt64) -> [GuestStep] {
        guard intid == speINTID else { return [] }
        speInterrupts += 1
        return [.access(.PMBSR_EL1, write: nil)]
    }

    /// The driver has read `PMBSR_EL1`: disable, consume, clear, reset the pointer, and enable
    /// again after a buffer-full event; after a fault, report it and stop profiling.
    public mutating func completed(_ register: SPERegisterID, _ result: GuestActionResult) -> [GuestStep] {
        guard register == .PMBSR_EL1, case .read(let value) = result else { return [] }
        lastSyndrome = value
        let sr = PMBSR_EL1(rawValue: value)
        var steps: [GuestStep] = [
            .access(.PMBLIMITR_EL1, write: limit.rawValue), .access(.PMBPTR_EL1, write: nil), .consumeBuffer,
            .access(.PMBSR_EL1, write: 0), .access(.PMBPTR_EL1, write: base),
        ]
        if sr.EC == .other && sr.MSS == UInt64(BufferStatusCode.bufferFilled.rawValue) {
            if !finished {
                var enabled = limit
                enabled.E = true
                steps.append(.access(.PMBLIMITR_EL1, write: enabled.rawValue))
            }
        } else {
            faults += 1
        }
        return steps
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
        return figures
    }
}
