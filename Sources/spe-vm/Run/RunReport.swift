import VCPURuntime

/// How a run went, for its exit status.
enum RunVerdict: Equatable, Sendable {
    /// It ended at its budget (or every guest finished) and no rule broke.
    case clean
    /// Rules broke: this many violations.
    case violated(Int)
    /// No rule broke, but the run did not end cleanly (a deadlock, a livelock, …): why.
    case unfinished(String)

    /// 0 clean, 1 otherwise.
    var status: ExitStatus { self == .clean ? .success : .violations }

    /// The verdict on `result`. A run ends cleanly when every task finished, or when the platform's
    /// time reached the run's duration budget; with an exit budget, reaching the time limit means
    /// the budget was never reached.
    init(_ result: RunResult) {
        let violations = result.violations.count + result.runtimeViolations.count
        if violations > 0 {
            self = .violated(violations)
            return
        }
        if result.escapedJobs > 0 {
            self = .unfinished("\(result.escapedJobs) jobs escaped the simulated platform")
            return
        }
        switch result.outcome {
        case .finished:
            self = .clean
        case .timeLimit(let live):
            if case .duration = result.scenario.budget {
                self = .clean
            } else {
                self = .unfinished("the platform's time limit passed before the exit budget was reached (\(live) tasks alive)")
            }
        case .deadlock(let live):
            self = .unfinished("deadlock: \(live) tasks alive, none could run, and no timer was pending")
        case .livelock(let live):
            self = .unfinished("livelock: jobs kept running without time advancing (\(live) tasks alive)")
        case .stopped(let live):
            self = .unfinished("the run was stopped with no rule reported broken (\(live) tasks alive)")
        }
    }
}

/// What `spe-vm run` prints: the report of one ``RunResult`` as text (``text``) or one JSON object
/// (``json``), and the exit status. On the simulated platform everything but the timing is a
/// function of the scenario and seed, and the JSON has no order that depends on hashing.
struct RunReport: Sendable {
    let result: RunResult
    /// The command that runs the scenario again, its seed included.
    let replay: String
    /// The machine's online cores (live platform's configuration line).
    let onlineCores: Int

    /// The model, as the report's first line names it.
    static let model = "KVM arm64 guest SPE, v6 RFC"
    /// Violations the text lists one by one; `--json` lists all.
    static let textViolationLimit = 50

    var verdict: RunVerdict { RunVerdict(result) }
    var status: ExitStatus { verdict.status }

    /// Every violation, SPE rules then runtime rules, as one line each.
    var violationLines: [String] {
        result.violations.map(\.description) + result.runtimeViolations.map(\.description)
    }

    /// Exits per wall-clock second (0 when the run took no measurable time).
    var exitsPerSecond: Double { result.wallSeconds > 0 ? Double(result.exits.total) / result.wallSeconds : 0 }

    /// `spe-vm run` and `arguments`, shell-quoted, with `--seed` added when they do not give it.
    static func replay(arguments: [String], seed: UInt64) -> String {
        var words = ["spe-vm", "run"] + arguments
        let givesSeed = arguments.contains { $0 == RunOptions.seed.flag || $0.hasPrefix(RunOptions.seed.flag + "=") }
        if !givesSeed { words += [RunOptions.seed.flag, "\(seed)"] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `word`, in single quotes when a shell would read it otherwise.
    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./=:,+@%".unicodeScalars.contains(scalar))
        }
        return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
