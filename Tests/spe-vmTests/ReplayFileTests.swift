import Testing
import VCPURuntime

@testable import spe_vm

/// Replay files read in-process: a written file reads back as itself, and every kind of damage is
/// refused with a message naming the key and what it must be.
@Suite struct ReplayFileTests {
    static func file() -> ReplayFile {
        var scenario = Scenario(cpus: 2, vms: [VMScenario(vcpus: 3, workload: .profile)], budget: .exits(500))
        scenario.seed = 99
        scenario.strategy = .pct(depth: 4)
        scenario.faults = [.kickStorm: 250_000, .memlock: FaultKind.memlock.defaultInterval]
        scenario.mutation = .noDrainOnExit
        scenario.migrateEvery = 1_000_000
        return ReplayFile(
            build: .current, scenario: scenario,
            failure: .init(kind: "spe", rule: "no-foreign-bytes-in-buffer", description: "no-foreign-bytes-in-buffer on cpu0 at event 7: x"),
            decisions: [0, 1, 1, 0, 1])
    }

    /// The file's JSON text with `edit` applied.
    static func text(_ edit: (String) -> String = { $0 }) -> String { edit(file().json.rendered) }

    static func read(_ text: String) throws(ToolError) -> ReplayFile { try ReplayFile.parse(try JSONInput.parse(text)) }

    @Test func aWrittenFileReadsBackAsItself() throws {
        let read = try Self.read(Self.text())
        let written = Self.file()
        #expect(read.scenario == written.scenario)
        #expect(read.failure == written.failure)
        #expect(read.decisions == written.decisions)
        #expect(read.build == BuildIdentity.current)
    }

    @Test(arguments: [
        ("[]", "the file takes a replay file: a JSON object of format, version, build, config, failure, decision_count, decisions, got an array"),
        (#"{"version": 1}"#, "'format' is missing: a replay file says \"format\": \"spe-vm-replay\""),
        (#"{"format": "spe-vm-scenario", "version": 1}"#, #"format takes "spe-vm-replay": this is not a spe-vm replay file, got "spe-vm-scenario""#),
        (#"{"format": "spe-vm-replay"}"#, "'version' is missing: a replay file says its format version"),
        (#"{"format": "spe-vm-replay", "version": "1"}"#, #"version takes a whole number, got "1""#),
        (#"{"format": "spe-vm-replay", "version": 3, "anything": []}"#, "replay format version 3: this spe-vm"),
        (#"{"format": "spe-vm-replay", "version": 1}"#, "'build' is missing: a replay file has format, version, build, config"),
    ])
    func refusedBeforeTheRest(text: String, message: String) {
        #expect(throws: ToolError.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test(arguments: [
        ("\"configuration\": \"", "\"configuration\": \"x", "written by another build of spe-vm"),
        ("\"decision_count\": 5", "\"decision_count\": 6",
            "decisions: 5 lane numbers, but decision_count says 6: the file is cut or corrupt"),
        ("0 1 1 0 1", "0 1 2 0 1",
            "decisions takes lane numbers from 0 to 1 separated by single spaces, got '2' at decision 2"),
        ("0 1 1 0 1", "0 1  1 0", "decisions takes lane numbers"),
        ("\"kind\": \"spe\"", "\"kind\": \"fatal\"", #"failure.kind takes spe, runtime or unfinished, got "fatal""#),
        ("\"rule\": \"no-foreign-bytes-in-buffer\"", "\"rule\": 3", "failure.rule takes a string, got 3"),
        ("\"platform\": \"sim\"", "\"platform\": \"live\"",
            #"config.platform takes "sim": only simulated runs replay, got "live""#),
        ("\"pcpus\": 2", "\"pcpus\": 0", "config: pcpus takes a whole number from 1 to 1024, got 0"),
        ("\"strategy\": \"pct\"", "\"strategy\": \"random\"",
            "config: depth 4 applies to the pct strategy only"),
        ("\"failure\": {", "\"failure\": {\"extra\": 1, ", "unknown key 'extra' in failure"),
    ] as [(String, String, String)])
    func damageIsRefused(original: String, replacement: String, message: String) {
        let text = Self.text { $0.replacingOccurrences(of: original, with: replacement) }
        #expect(text != Self.text(), "the edit changed nothing")
        do {
            _ = try Self.read(text)
            Issue.record("read without error")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
