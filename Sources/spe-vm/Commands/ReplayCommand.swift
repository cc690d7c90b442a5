import Foundation
import VCPURuntime

/// `spe-vm replay FILE`: runs a failing seed of a replay file again and checks that it takes the
/// same schedule and breaks the same rule at the same event.
enum ReplayCommand {
    static let spec = CommandSpec(
        name: "replay", summary: "re-run a failing seed from a replay file (spe-vm stress --out) and check it fails the same way",
        details: [
            "Runs the file's scenario and seed on the simulated platform, with its strategy, faults and",
            "mutation, and compares the run with the file: every scheduling decision, then the failure.",
            "A replay file is refused if another format version or another build of spe-vm wrote it (a",
            "seed replays only on the build that found it: debug and release builds schedule differently).",
            "",
            "",
        ] + TraceOptions.help + [
            "",
            "Exit status: 1 the failure reproduced (same rule, same event); 0 it did not (the output says",
            "where the run went another way); 2 the file is unreadable, corrupt, or from another version",
            "or build, or the trace or plot cannot be written.",
            "",
            "--plot FILE.svg also writes the re-run's latency histograms as an SVG figure (see 'spe-vm",
            "latency --help').",
        ],
        options: [LatencyPlot.option] + TraceOptions.flags, operands: "FILE", operandLimit: 1,
        action: { options in
            guard let path = options.operands.first else {
                Console.report(.missingOperand(command: "replay", expected: "a replay file (spe-vm stress --out DIR writes DIR/replay.json)"), command: "replay")
                return .badInput
            }
            let file: ReplayFile
            let trace: TraceOptions.Request?
            let plot: String?
            do throws(ToolError) {
                file = try ReplayFile.read(path: path)
                trace = try TraceOptions.request(options)
                plot = try LatencyPlot.destination(options)
            } catch {
                Console.report(error, command: "replay")
                return .badInput
            }
            var run = ScenarioRun(scenario: file.scenario, platform: .sim)
            run.traceLimit = trace?.limit
            let result = run.run()
            let outcome = ReplayOutcome(file: file, rerun: result)
            Console.out(outcome.lines(file: file, rerun: result).joined(separator: "\n"))
            guard TraceOptions.write(result, trace, command: "replay", arguments: options.arguments) else { return .badInput }
            let command = (["spe-vm", "replay", path]).map(RunReport.shellQuoted).joined(separator: " ")
            guard LatencyPlot(result: result, command: command).write(to: plot, command: "replay") else { return .badInput }
            return outcome == .reproduced ? .violations : .success
        })
}

/// How a re-run compares with its replay file.
enum ReplayOutcome: Equatable, Sendable {
    /// The same schedule and the same failure.
    case reproduced
    /// The schedules part at `decision` (from 0): the lane each took there (nil: it had ended).
    case diverged(decision: Int, recorded: UInt16?, rerun: UInt16?)
    /// The same schedule, another end: the re-run's failure (nil: it ended cleanly).
    case otherFailure(RunFailure?)

    init(file: ReplayFile, rerun: RunResult) {
        let recorded = file.decisions
        let now = rerun.decisions
        if let index = zip(recorded, now).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            self = .diverged(decision: index, recorded: recorded[index], rerun: now[index])
        } else if recorded.count != now.count {
            let index = min(recorded.count, now.count)
            self = .diverged(
                decision: index, recorded: index < recorded.count ? recorded[index] : nil, rerun: index < now.count ? now[index] : nil)
        } else if let failure = rerun.failure, ReplayFile.RecordedFailure(failure) == file.failure {
            self = .reproduced
        } else {
            self = .otherFailure(rerun.failure)
        }
    }

    func lines(file: ReplayFile, rerun: RunResult) -> [String] {
        let seed = file.scenario.seed
        switch self {
        case .reproduced:
            var lines = [
                "reproduced: seed \(seed) breaks \(file.failure.rule) again at the same event, after the same \(file.decisions.count) scheduling decisions",
                (file.failure.kind == "unfinished" ? "did not end cleanly: " : "violation: ") + file.failure.description,
            ]
            if let report = rerun.report {
                lines += ["last events on that CPU (oldest first):"] + report.recentEvents.map { "  " + $0 }
            }
            return lines
        case .diverged(let decision, let recorded, let now):
            let what =
                switch (recorded, now) {
                case (let a?, let b?): "the file has lane \(a), this run took lane \(b)"
                case (nil, _): "the file's schedule ends there, this run went on"
                case (_, nil): "this run ended there, the file's schedule goes on"
                }
            return ["does not reproduce: the schedule diverged at decision \(decision) (\(what)) for seed \(seed)"]
        case .otherFailure(let failure):
            let ended = failure.map { "\($0.isViolation ? "broke" : "ended with") \($0.name): \($0.description)" } ?? "ended cleanly"
            return [
                "does not reproduce: seed \(seed) took the recorded schedule but \(ended)",
                "recorded: \(file.failure.description)",
            ]
        }
    }
}
