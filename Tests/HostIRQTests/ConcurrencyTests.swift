#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Synchronization
import Testing
@testable import HostIRQ

/// Many raisers, one taker per CPU, three kinds of traffic:
/// - a mailbox per CPU (message appended, then SGI 1 sent; the handler drains the mailbox, so
///   merged SGIs lose nothing and an SGI whose message was already drained is spurious);
/// - a level device per CPU on PPI 21 (event counted and line raised in one step; the handler
///   consumes every event and lowers the line);
/// - a paced SGI per raiser (SGI 2+r to CPU r mod cpus, raised only after the previous one was
///   handled, so none merges).
/// The same operations run on real threads or in a seeded single-threaded interleaving.
final class Scenario: Sendable {
    let cpuCount: Int
    let raisers: Int
    let rounds: Int
    let distributor: Distributor
    let mailboxes: [PThreadMutex<[Int]>]
    let devices: [LevelDevice]
    let signalled: [Counter]
    let consumed: [Counter]
    let deliveries: PThreadMutex<[Int]>  // per message id (raiser * rounds + round)
    let pacedHandled: [Counter]  // per raiser
    let processed: [Counter]  // per CPU: messages + device events + paced SGIs handled
    static let mailboxSGI = INTID.n(1)

    init(cpuCount: Int, raisers: Int, rounds: Int) throws {
        self.cpuCount = cpuCount
        self.raisers = raisers
        self.rounds = rounds
        let d = try Distributor(cpuCount: cpuCount)
        distributor = d
        mailboxes = (0..<cpuCount).map { _ in PThreadMutex<[Int]>([]) }
        devices = (0..<cpuCount).map { LevelDevice(intid: .spePMBIRQ, cpu: CPUID($0), distributor: d) }
        signalled = (0..<cpuCount).map { _ in Counter() }
        consumed = (0..<cpuCount).map { _ in Counter() }
        deliveries = PThreadMutex(Array(repeating: 0, count: raisers * rounds))
        pacedHandled = (0..<raisers).map { _ in Counter() }
        processed = (0..<cpuCount).map { _ in Counter() }
        for c in 0..<cpuCount {
            let cpu = try d.cpu(CPUID(c))
            try cpu.registerHandler(for: Self.mailboxSGI) { [mailboxes, deliveries, processed] id, _ in
                let drained = mailboxes[id.rawValue].withLock { box in
                    defer { box.removeAll() }
                    return box
                }
                deliveries.withLock { for m in drained { $0[m] += 1 } }
                processed[id.rawValue].increment(by: drained.count)
                return drained.isEmpty ? .nothingToDo : .handled
            }
            try cpu.registerHandler(for: .spePMBIRQ) { [devices, consumed, processed] id, _ in
                let n = (try? devices[id.rawValue].consume()) ?? 0
                consumed[id.rawValue].increment(by: n)
                processed[id.rawValue].increment(by: n)
                return n > 0 ? .handled : .nothingToDo
            }
        }
        for r in 0..<raisers {
            try d.cpu(pacedTarget(r)).registerHandler(for: pacedSGI(r)) { [pacedHandled, processed] id, _ in
                pacedHandled[r].increment()
                processed[id.rawValue].increment()
                return .handled
            }
        }
    }

    func pacedSGI(_ r: Int) -> INTID { .n(UInt32(2 + r)) }
    func pacedTarget(_ r: Int) -> CPUID { CPUID(r % cpuCount) }
    func target(raiser r: Int, round k: Int) -> Int { (r + k) % cpuCount }

    /// Events each CPU will process in total.
    var expected: [Int] {
        var e = Array(repeating: 0, count: cpuCount)
        for r in 0..<raisers {
            for k in 0..<rounds { e[target(raiser: r, round: k)] += 2 }
            e[pacedTarget(r).rawValue] += rounds
        }
        return e
    }

    /// Whether raiser `r` may do step `part` of round `k` now (the paced SGI waits for the
    /// previous one to be handled).
    func canRaise(_ r: Int, round k: Int, part: Int) -> Bool {
        part != 2 || pacedHandled[r].current >= k
    }

    /// Raiser `r`, round `k`, step `part` (0: mailbox, 1: device, 2: paced SGI).
    func raise(_ r: Int, round k: Int, part: Int) throws {
        let c = target(raiser: r, round: k)
        switch part {
        case 0:
            mailboxes[c].withLock { $0.append(r * rounds + k) }
            try distributor.sendSGI(Self.mailboxSGI, to: CPUID(c))
        case 1:
            signalled[c].increment()
            try devices[c].signal()
        default:
            try distributor.sendSGI(pacedSGI(r), to: pacedTarget(r))
        }
    }

    /// The exact, schedule-independent outcome.
    func check() throws {
        #expect(processed.map(\.current) == expected)
        #expect(deliveries.withLock { $0 }.allSatisfy { $0 == 1 })  // each message exactly once
        #expect(consumed.map(\.current) == signalled.map(\.current))
        #expect(pacedHandled.map(\.current) == Array(repeating: rounds, count: raisers))
        let stats = distributor.statistics()
        for c in 0..<cpuCount {
            let cpu = try distributor.cpu(CPUID(c))
            #expect(!cpu.hasDeliverableInterrupt)
            for n: UInt32 in 0..<32 { #expect(try cpu.state(of: .n(n)).isIdle) }
            let s = stats.cpus[c]
            let mailbox = s[Self.mailboxSGI]
            #expect(mailbox.acknowledged == mailbox.raised - mailbox.merged)
            #expect(mailbox.handled + mailbox.spurious == mailbox.acknowledged)
            #expect(mailbox.handled >= 1)
            let device = s[.spePMBIRQ]
            #expect(device.acknowledged == device.raised)
            #expect(device.handled == device.acknowledged)
            #expect(device.spurious == 0 && device.cancelled == 0)
            #expect(device.acknowledged >= 1)
        }
        for r in 0..<raisers {
            let paced = stats.cpus[pacedTarget(r).rawValue][pacedSGI(r)]
            #expect(paced.raised == UInt64(rounds))
            #expect(paced.acknowledged == UInt64(rounds))
            #expect(paced.handled == UInt64(rounds))
            #expect(paced.merged == 0 && paced.spurious == 0)
        }
    }
}

@Suite(.serialized) struct ConcurrencyTests {
    @Test func realThreadsLoseNothingAndDeliverNothingTwice() throws {
        let scenario = try Scenario(cpuCount: 2, raisers: 4, rounds: 300)
        let raisersDone = Atomic<Bool>(false)
        let doorbells = (0..<scenario.cpuCount).map { _ in Doorbell() }
        let expected = scenario.expected
        for c in 0..<scenario.cpuCount {
            try scenario.distributor.cpu(CPUID(c)).setWakeCallback { id, _ in doorbells[id.rawValue].ring() }
        }
        let takers = (0..<scenario.cpuCount).map { c in
            TestThread {
                let cpu = scenario.distributor.cpus[c]
                while true {
                    while (try? cpu.takeInterrupt()) != .nothingPending {}
                    let finished = {
                        raisersDone.load(ordering: .acquiring) && scenario.processed[c].current == expected[c]
                    }
                    if finished() && !cpu.hasDeliverableInterrupt { return }
                    doorbells[c].wait { cpu.hasDeliverableInterrupt || finished() }
                }
            }
        }
        let raisers = (0..<scenario.raisers).map { r in
            TestThread {
                for k in 0..<scenario.rounds {
                    for part in 0..<3 {
                        while !scenario.canRaise(r, round: k, part: part) { sched_yield() }
                        try? scenario.raise(r, round: k, part: part)
                    }
                }
            }
        }
        for t in raisers { t.join() }
        raisersDone.store(true, ordering: .releasing)
        for bell in doorbells { bell.ring() }
        for t in takers { t.join() }
        try scenario.check()
    }

    /// The same operations in a seeded, single-threaded interleaving.
    static func runDeterministically(seed: UInt64) throws -> Scenario {
        let scenario = try Scenario(cpuCount: 2, raisers: 4, rounds: 100)
        var rng = SplitMix64(seed: seed)
        var position = Array(repeating: 0, count: scenario.raisers)  // round * 3 + part
        let end = scenario.rounds * 3
        while true {
            var runnable: [Int] = []  // 0..<raisers: raisers; raisers...: takers
            for r in 0..<scenario.raisers where position[r] < end {
                if scenario.canRaise(r, round: position[r] / 3, part: position[r] % 3) { runnable.append(r) }
            }
            for c in 0..<scenario.cpuCount where scenario.distributor.cpus[c].hasDeliverableInterrupt {
                runnable.append(scenario.raisers + c)
            }
            if runnable.isEmpty { break }
            let pick = runnable[Int(rng.next() % UInt64(runnable.count))]
            if pick < scenario.raisers {
                try scenario.raise(pick, round: position[pick] / 3, part: position[pick] % 3)
                position[pick] += 1
            } else {
                _ = try scenario.distributor.cpus[pick - scenario.raisers].takeInterrupt()
            }
        }
        #expect(position == Array(repeating: end, count: scenario.raisers))
        return scenario
    }

    @Test(arguments: [UInt64(1), 42, 0xDEAD_BEEF])
    func seededInterleavingGivesTheSameExactCounts(seed: UInt64) throws {
        let scenario = try Self.runDeterministically(seed: seed)
        try scenario.check()
        // Same seed, same run, counter for counter.
        let again = try Self.runDeterministically(seed: seed)
        #expect(again.distributor.statistics() == scenario.distributor.statistics())
    }
}
