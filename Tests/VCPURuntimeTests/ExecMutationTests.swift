import SPEDevice
import Testing

@testable import VCPURuntime

/// `Scripts/exerciser.spe` run once per mutation: every mutation the exec language can reach must be
/// reported as its rule, with exit status 1; the correct model breaks no rule on the same script.
@Suite struct ExecMutationTests {
    /// Mutations the exerciser does not reach, each with the reason and the script test that does.
    static let notOnTheExerciser: [SPEMutation: String] = [
        .samplingWhileStopped:
            "the unit must sample while hardware S=1 and E=1: only the host does that, when its buffer fills "
            + "part-way through its exit work and more samples fall in the rest of it; the exerciser's host "
            + "does 200 operations per exit and samples every 1025, so samplingWhileStoppedIsReported raises "
            + "host-work to 40000",
    ]

    static var reachable: [SPEMutation] { SPEMutation.allCases.filter { notOnTheExerciser[$0] == nil } }

    static func exerciser(mutation: SPEMutation?) throws -> ExecResult {
        let text = try script("exerciser")
        return try exec(mutation.map { "config mutation \($0.rawValue)\n" + text } ?? text)
    }

    static func reports(_ result: ExecResult, _ rule: SPERule) -> Bool {
        result.output.contains { $0.hasPrefix("violation: \(rule.rawValue) on cpu") }
    }

    @Test func correctModelBreaksNoRuleOnTheExerciser() throws {
        let result = try Self.exerciser(mutation: nil)
        #expect(result.output.filter { $0.hasPrefix("expect failed") || $0.hasPrefix("violation") } == [])
        #expect(result.violations == [])
        #expect(result.escapedJobs == 0)
        #expect(result.exitStatus == 0)
    }

    /// The exerciser reaches what the mutations break: every kind of drop, each refusal, a stage-2
    /// fault, collisions, a hidden filter in use, and enough exits for the host's buffer to fill.
    @Test func exerciserReachesEveryPath() throws {
        let result = try Self.exerciser(mutation: nil)
        #expect(stat(result, "exits.total") == "5530")
        #expect(stat(result, "exits.irq") == "4")
        #expect(stat(result, "records.written") == "1800")
        #expect(stat(result, "records.dropped.collision") == "7")
        #expect(stat(result, "records.dropped.filtered") == "78")
        #expect(stat(result, "records.dropped.discarded") == "78")
        #expect(stat(result, "records.dropped.fault") == "1")
        #expect(stat(result, "events.management") == "8")
        #expect(stat(result, "pins") == "9")
        #expect(stat(result, "unpins") == "8")
        #expect(stat(result, "driver.order-violations") == "1")
        #expect(stat(result, "syndrome.lost-bits") == "7")
        #expect(stat(result, "hidden-feature.in-use") == "1")
        #expect(stat(result, "stage2.warnings") == "1")
        #expect(stat(result, "invariants.violated") == "0")
    }

    @Test(arguments: reachable)
    func mutationIsReportedAsItsRule(_ mutation: SPEMutation) throws {
        let result = try Self.exerciser(mutation: mutation)
        #expect(Self.reports(result, mutation.rule), "\(mutation): no 'violation: \(mutation.rule) on …' line")
        #expect(result.violations.contains { $0.rule == mutation.rule })
        #expect(result.exitStatus == 1)
        #expect(result.output.last == "replay: the same script replays this run exactly (seed 7)")
    }

    @Test(arguments: notOnTheExerciser.keys.sorted { $0.rawValue < $1.rawValue })
    func unreachableMutationIsNotReported(_ mutation: SPEMutation) throws {
        let result = try Self.exerciser(mutation: mutation)
        #expect(!Self.reports(result, mutation.rule))
        #expect(result.violations == [])
        #expect(result.exitStatus == 0)
    }

    @Test
    func pmbirqNotLoweredIsReported() throws {
        let result = try exec(
            """
            config mutation pmbirq-not-lowered
            map 0x80000000 0x80002000
            write PMSCR_EL1 0x3
            write PMSIRR_EL1 0x100
            write PMBPTR_EL1 0x80000000
            write PMBLIMITR_EL1 0x80002001
            run 100000
            """)
        #expect(Self.reports(result, .pmbirqLevelEqualsHardwareS))
        #expect(result.exitStatus == 1)
    }

    /// The exerciser reaches no-service-clear-on-exit with host sessions on, which restore their own
    /// PMBSR_EL1 and so lower PMBIRQ; without a host session the line stays high and exec hangs the
    /// same way as for pmbirq-not-lowered.
    @Test
    func noServiceClearOnExitWithoutHostSessionIsReported() throws {
        let result = try exec(
            """
            config mutation no-service-clear-on-exit
            map 0x80000000 0x80002000
            write PMSCR_EL1 0x3
            write PMSIRR_EL1 0x100
            write PMBPTR_EL1 0x80000000
            write PMBLIMITR_EL1 0x80002001
            run 100000
            """)
        #expect(Self.reports(result, .hwServiceClearedOnExit))
        #expect(result.exitStatus == 1)
    }

    @Test func everyMutationIsAccountedFor() {
        #expect(Set(Self.reachable).union(Self.notOnTheExerciser.keys) == Set(SPEMutation.allCases))
    }

    /// The host's 64 KiB buffer fills with its 1024th record, at host operation 1024 × 1025 =
    /// 1,049,600; with 40,000 operations of exit work per exit that is operation 9,600 of an exit,
    /// so about 29 samples are still due in that exit's work after the buffer stopped.
    static func hostFillScript(mutation: SPEMutation?) -> String {
        let lines = (mutation.map { ["config mutation \($0.rawValue)"] } ?? []) + ["config host-work 40000", "host-perf on"]
            + Array(repeating: "read PMSIDR_EL1", count: 40) + ["stats"]
        return lines.joined(separator: "\n")
    }

    @Test func samplingWhileStoppedIsReported() throws {
        let clean = try exec(Self.hostFillScript(mutation: nil))
        #expect(clean.violations == [])
        #expect(clean.exitStatus == 0)
        let broken = try exec(Self.hostFillScript(mutation: .samplingWhileStopped))
        #expect(broken.violations.first?.rule == .noRecordWhileStopped)
        #expect(broken.violations.count == 29)
        #expect(Self.reports(broken, .noRecordWhileStopped))
        #expect(broken.exitStatus == 1)
    }
}
