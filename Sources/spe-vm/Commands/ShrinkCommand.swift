import Foundation
import VCPURuntime

/// `spe-vm shrink FILE`: makes a replay file's failing scenario smaller while it breaks the same
/// rule (``Shrinker``) and writes the smallest one found as a replay file.
enum ShrinkCommand {
    static let out = OptionSpec(
        name: "out", kind: .path, placeholder: "FILE", defaultValue: "FILE with .shrunk.json for .json",
        help: "where to write the smallest failing replay file")
    static let runs = OptionSpec(
        name: "runs", kind: .number(1...100_000), placeholder: "N", defaultValue: "400",
        help: "simulated runs at most, over every try")

    static let spec = CommandSpec(
        name: "shrink", summary: "make a failing replay file smaller while it breaks the same rule",
        details: [
            "Tries, one at a time and the largest first, a scenario with a VM fewer, fewer VCPUs in a VM,",
            "fewer physical CPUs, a fault fewer, no host perf session, no migrator, a smaller exit budget,",
            "running each on the file's seed and the next three; takes the first that still breaks the",
            "file's rule and starts over, until none does. The result is never larger than the file in any",
            "of these measures. It is written as a replay file of the seed that failed (spe-vm replay",
            "reproduces it); the schedule decisions are that run's.",
            "",
            "Exit status: 0 the smallest failing replay was written; 1 the file's failure does not",
            "reproduce (nothing to shrink); 2 the file is unreadable, corrupt, or from another version or",
            "build, or the output cannot be written.",
        ],
        options: [out, runs], operands: "FILE", operandLimit: 1,
        action: { options in
            do throws(ToolError) {
                return try run(options)
            } catch {
                Console.report(error, command: "shrink")
                return .badInput
            }
        })

    static func run(_ options: ParsedOptions) throws(ToolError) -> ExitStatus {
        guard let path = options.operands.first else {
            throw .missingOperand(command: "shrink", expected: "a replay file (spe-vm stress --out DIR writes DIR/replay.json)")
        }
        let file = try ReplayFile.read(path: path)
        let first = ScenarioRun(scenario: file.scenario, platform: .sim).run()
        guard first.failure?.name == file.failure.rule else {
            let ended = first.failure.map { "broke \($0.name) instead" } ?? "ended cleanly"
            Console.out("does not reproduce: seed \(file.scenario.seed) \(ended); nothing to shrink")
            return .violations
        }
        var shrinker = Shrinker(rule: file.failure.rule)
        if case .number(let n)? = options.values[runs.name] { shrinker.maximumRuns = Int(n) }
        let outcome = shrinker.shrink(file.scenario, failing: first)
        guard let failure = outcome.result.failure else { preconditionFailure("the shrinker returned a run that did not fail") }
        var target = path.hasSuffix(".json") ? String(path.dropLast(5)) + ".shrunk.json" : path + ".shrunk.json"
        if case .path(let given)? = options.values[out.name] { target = given }
        let shrunk = ReplayFile(
            build: .current, scenario: outcome.scenario, failure: ReplayFile.RecordedFailure(failure),
            decisions: outcome.result.decisions)
        try TextFile.writeAtomically(Data((shrunk.json.rendered + "\n").utf8), to: target)
        Console.out([
            "shrunk: \(ShrinkSize(file.scenario)) → \(ShrinkSize(outcome.scenario)) (\(outcome.runs) runs)",
            "steps: " + (outcome.steps.isEmpty ? "none: no smaller scenario broke the rule" : outcome.steps.joined(separator: ", ")),
            "still breaks \(failure.name) on seed \(outcome.scenario.seed): \(failure.description)",
            "wrote: \(target)",
            "replay: spe-vm replay \(RunReport.shellQuoted(target))",
        ].joined(separator: "\n"))
        return .success
    }
}
