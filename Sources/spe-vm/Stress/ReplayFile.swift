import Foundation
import VCPURuntime

/// `replay.json`: what `spe-vm replay` needs to run a failing seed again and check that it fails
/// the same way. One JSON object:
///
/// - `format` (`spe-vm-replay`) and `version` (``version``): files of another version are refused;
/// - `build`: the ``BuildIdentity`` that wrote it (`version`, `configuration`, `executable`):
///   a seed replays only on the same build, so another build's file is refused;
/// - `config`: the failing seed's scenario as a scenario file (seed, strategy and depth, faults,
///   mutation included), read back by ``ScenarioFile`` like any scenario file;
/// - `failure`: how the seed failed: `kind` (`spe`, `runtime` or `unfinished`), `rule` (the broken
///   rule, or how the run ended for `unfinished`), and `description`, the violation's line, which
///   names the event (or the time) it was seen at;
/// - `decisions`: the lane the simulator picked at every scheduling decision, as decimal numbers
///   separated by spaces, and `decision_count`, how many.
struct ReplayFile: Sendable {
    static let format = "spe-vm-replay"
    /// The format this build writes and reads.
    static let version: UInt64 = 1
    /// The largest replay file read: its decisions take about 2 bytes each.
    static let maximumSize = 256 << 20

    var build: BuildIdentity
    /// The failing seed's scenario (on the simulated platform).
    var scenario: Scenario
    var failure: RecordedFailure
    var decisions: [UInt16]

    /// How the recorded seed failed.
    struct RecordedFailure: Equatable, Sendable {
        var kind: String
        var rule: String
        var description: String

        init(kind: String, rule: String, description: String) {
            self.kind = kind
            self.rule = rule
            self.description = description
        }

        init(_ failure: RunFailure) {
            let kind =
                switch failure {
                case .spe: "spe"
                case .runtime: "runtime"
                case .unfinished: "unfinished"
                }
            self.init(kind: kind, rule: failure.name, description: failure.description)
        }

        static let kinds = ["spe", "runtime", "unfinished"]
    }

    init(build: BuildIdentity, scenario: Scenario, failure: RecordedFailure, decisions: [UInt16]) {
        self.build = build
        self.scenario = scenario
        self.failure = failure
        self.decisions = decisions
    }

    /// The replay file of a failed seed, written by this build.
    init(_ failed: SeedFailure) {
        self.init(
            build: .current, scenario: failed.result.scenario, failure: RecordedFailure(failed.failure),
            decisions: failed.result.decisions)
    }

    var json: JSONValue {
        .object([
            "format": .string(Self.format),
            "version": .integer(Self.version),
            "build": .object([
                "version": .string(build.version),
                "configuration": .string(build.configuration),
                "executable": .string(build.executable),
            ]),
            "config": ScenarioFile.json(scenario, platform: .sim),
            "failure": .object([
                "kind": .string(failure.kind),
                "rule": .string(failure.rule),
                "description": .string(failure.description),
            ]),
            "decision_count": .integer(UInt64(decisions.count)),
            "decisions": .string(decisions.map(String.init).joined(separator: " ")),
        ])
    }

    /// The replay file at `path`, checked: every mistake or refusal names the file, then what is
    /// wrong (a key, its value, what it must be).
    static func read(path: String) throws(ToolError) -> ReplayFile {
        guard let text = try TextFile.read(path: path, maximumSize: maximumSize) else {
            throw .inReplayFile(path: path, .inconsistent("the file is not UTF-8 text: a replay file is a JSON object"))
        }
        do {
            return try parse(try JSONInput.parse(text))
        } catch {
            throw .inReplayFile(path: path, error)
        }
    }

    /// The replay file `json` holds, for this build: its format and version are checked first,
    /// then the build, then the rest.
    static func parse(_ json: JSONInput) throws(ToolError) -> ReplayFile {
        let keys = ["format", "version", "build", "config", "failure", "decision_count", "decisions"]
        let what = "a replay file: a JSON object of \(keys.joined(separator: ", "))"
        // The format and version first: another version's file may have other keys.
        guard case .object(let list) = json else {
            throw .badValue(place: "the file", value: json.shown, problem: ValueProblem(expected: what))
        }
        guard let formatValue = list.first(where: { $0.key == "format" })?.value else {
            throw .missingKey(place: "", key: "format", why: "a replay file says \"format\": \"\(format)\"")
        }
        guard formatValue == .string(format) else {
            throw .badValue(place: "format", value: formatValue.shown, problem: ValueProblem(expected: "\"\(format)\": this is not a spe-vm replay file"))
        }
        guard let versionValue = list.first(where: { $0.key == "version" })?.value else {
            throw .missingKey(place: "", key: "version", why: "a replay file says its format version")
        }
        guard case .number(let literal) = versionValue, let version = ParsedOptions.wholeNumber(literal) else {
            throw .badValue(place: "version", value: versionValue.shown, problem: ValueProblem(expected: "a whole number"))
        }
        guard version == Self.version else {
            throw .inconsistent(
                "replay format version \(version): this spe-vm (\(Tool.version)) reads version \(Self.version) only; "
                    + "replay it with the spe-vm that wrote it")
        }
        let members = try object(json, place: "the file", keys: keys, what: what)
        let buildMembers = try object(
            members["build"]!, place: "build", keys: ["version", "configuration", "executable"],
            what: "an object of version, configuration and executable")
        let build = BuildIdentity(
            version: try string(buildMembers, "version", place: "build."),
            configuration: try string(buildMembers, "configuration", place: "build."),
            executable: try string(buildMembers, "executable", place: "build."))
        let current = BuildIdentity.current
        guard build == current else {
            var differences = [
                "the file's executable is \(build.executable) (\(build.configuration) build), this one is \(current.executable) (\(current.configuration) build)"
            ]
            if build.version != current.version { differences.append("the file's version is '\(build.version)'") }
            throw .inconsistent(
                "written by another build of spe-vm: \(differences.joined(separator: "; ")). A seed replays only on the "
                    + "build that found it: rerun the campaign with this build (spe-vm stress ... --seed-start SEED --seeds 1 --out DIR)")
        }
        let settings: RunSettings
        do {
            settings = try ScenarioFile.settings(from: members["config"]!)
        } catch {
            throw .inconsistent("config: \(error.description)")
        }
        let plan: (scenario: Scenario, platform: PlatformKind)
        do {
            plan = try settings.plan(defaults: .stress)
        } catch {
            throw .inconsistent("config: \(error.description)")
        }
        guard plan.platform == .sim else {
            throw .badValue(place: "config.platform", value: "\"\(plan.platform)\"", problem: ValueProblem(expected: "\"sim\": only simulated runs replay"))
        }
        let failureMembers = try object(
            members["failure"]!, place: "failure", keys: ["kind", "rule", "description"], what: "an object of kind, rule and description")
        let kind = try string(failureMembers, "kind", place: "failure.")
        guard RecordedFailure.kinds.contains(kind) else {
            throw .badValue(place: "failure.kind", value: failureMembers["kind"]!.shown, problem: ValueProblem(expected: "spe, runtime or unfinished"))
        }
        let failure = RecordedFailure(
            kind: kind, rule: try string(failureMembers, "rule", place: "failure."),
            description: try string(failureMembers, "description", place: "failure."))
        guard case .number(let countLiteral) = members["decision_count"]!, let count = ParsedOptions.wholeNumber(countLiteral) else {
            throw .badValue(place: "decision_count", value: members["decision_count"]!.shown, problem: ValueProblem(expected: "a whole number"))
        }
        let text = try string(members, "decisions", place: "")
        var decisions: [UInt16] = []
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() where !text.isEmpty {
            guard let lane = ParsedOptions.wholeNumber(String(word)), lane < UInt64(plan.scenario.cpus) else {
                throw .badValue(
                    place: "decisions", value: "'\(word.prefix(20))' at decision \(index)",
                    problem: ValueProblem(expected: "lane numbers from 0 to \(plan.scenario.cpus - 1) separated by single spaces"))
            }
            decisions.append(UInt16(lane))
        }
        guard UInt64(decisions.count) == count else {
            throw .inconsistent("decisions: \(decisions.count) lane numbers, but decision_count says \(count): the file is cut or corrupt")
        }
        return ReplayFile(build: build, scenario: plan.scenario, failure: failure, decisions: decisions)
    }

    /// The members of an object that must have exactly `keys`.
    private static func object(_ json: JSONInput, place: String, keys: [String], what: String) throws(ToolError) -> [String: JSONInput] {
        guard case .object(let list) = json else {
            throw .badValue(place: place, value: json.shown, problem: ValueProblem(expected: what))
        }
        var members: [String: JSONInput] = [:]
        let prefix = place == "the file" ? "" : place
        for member in list {
            guard keys.contains(member.key) else { throw .unknownKey(place: prefix, key: member.key, allowed: keys) }
            guard members[member.key] == nil else {
                throw .inconsistent("\(prefix.isEmpty ? "" : prefix + ": ")'\(member.key)' is given twice")
            }
            members[member.key] = member.value
        }
        for key in keys where members[key] == nil {
            throw .missingKey(place: prefix, key: key, why: "a replay file has \(keys.joined(separator: ", "))")
        }
        return members
    }

    /// A member that must be a string; `place` prefixes its key in messages (`build.`).
    private static func string(_ members: [String: JSONInput], _ key: String, place: String) throws(ToolError) -> String {
        guard case .string(let value) = members[key]! else {
            throw .badValue(place: place + key, value: members[key]!.shown, problem: ValueProblem(expected: "a string"))
        }
        return value
    }
}
