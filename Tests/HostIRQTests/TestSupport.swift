@testable import HostIRQ

extension INTID {
    /// A literal INTID for tests (traps on a bad number, which the tests never pass).
    static func n(_ value: UInt32) -> INTID { INTID(rawValue: value)! }
}

/// Records calls of a callback, for checking wake and handler hooks.
final class CallLog<Entry: Sendable>: Sendable {
    private let entries = PThreadMutex<[Entry]>([])
    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
}

/// A device with a status bit behind a level line (like `PMBSR_EL1.S` behind `PMBIRQ`).
final class LevelDevice: Sendable {
    private let pendingEvents = PThreadMutex<Int>(0)
    let intid: INTID
    let cpu: CPUID
    let distributor: Distributor

    init(intid: INTID, cpu: CPUID, distributor: Distributor) {
        self.intid = intid
        self.cpu = cpu
        self.distributor = distributor
    }

    /// Records an event and raises the line, in one step as hardware does.
    func signal() throws(HostIRQError) {
        try pendingEvents.withLock { (n) throws(HostIRQError) in
            n += 1
            try distributor.setLevel(intid, high: true, on: cpu)
        }
    }

    /// Consumes every event and lowers the line, in one step; returns how many were consumed.
    func consume() throws(HostIRQError) -> Int {
        try pendingEvents.withLock { (n) throws(HostIRQError) -> Int in
            let taken = n
            n = 0
            try distributor.setLevel(intid, high: false, on: cpu)
            return taken
        }
    }
}

/// SplitMix64: a tiny seeded generator for deterministic interleavings.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
