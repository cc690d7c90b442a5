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

    /// The verdict on `result` (``RunResult/failure`` judges it).
    init(_ result: RunResult) {
        switch result.failure {
        case nil: self = .clean
        case .spe?, .runtime?: self = .violated(result.violations.count + result.runtimeViolations.count)
        case .unfinished(_, let why)?: self = .unfinished(why)
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
