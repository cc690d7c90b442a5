import SPEDevice

/// Why a run is not clean: the first rule it broke, or how it ended without ending cleanly. The
/// one judgement every front end shares (`spe-vm run`'s exit status, a stress seed failing, a
/// replay reproducing).
public enum RunFailure: Hashable, Sendable, CustomStringConvertible {
    /// An SPE rule broke (the first the checkers saw).
    case spe(SPEViolation)
    /// A runtime rule broke, and no SPE rule did.
    case runtime(RuntimeViolation)
    /// No rule broke, but the run did not end cleanly: `reason` names how (`deadlock`, `livelock`,
    /// `time-limit`, `stopped`, `escaped-jobs`), `why` says it for a person.
    case unfinished(reason: String, why: String)

    /// The broken rule's name, or the unfinished run's reason.
    public var name: String {
        switch self {
        case .spe(let violation): violation.rule.rawValue
        case .runtime(let violation): violation.rule.rawValue
        case .unfinished(let reason, _): reason
        }
    }

    /// `rule on cpuN vmX.vcpuY at event E: detail`, or why the run did not end cleanly.
    public var description: String {
        switch self {
        case .spe(let violation): violation.description
        case .runtime(let violation): violation.description
        case .unfinished(_, let why): why
        }
    }
}

extension RunResult {
    /// Why the run is not clean, nil when it is: a run is clean when no rule broke, nothing escaped
    /// the simulated platform, and every task finished or the platform's time reached the run's
    /// duration budget (with an exit budget, reaching the time limit means the budget never was).
    public var failure: RunFailure? {
        if let first = violations.first { return .spe(first) }
        if let first = runtimeViolations.first { return .runtime(first) }
        if escapedJobs > 0 {
            return .unfinished(reason: "escaped-jobs", why: "\(escapedJobs) jobs escaped the simulated platform")
        }
        switch outcome {
        case .finished:
            return nil
        case .timeLimit(let live):
            if case .duration = scenario.budget { return nil }
            return .unfinished(
                reason: "time-limit",
                why: "the platform's time limit passed before the exit budget was reached (\(live) tasks alive)")
        case .deadlock(let live):
            return .unfinished(reason: "deadlock", why: "deadlock: \(live) tasks alive, none could run, and no timer was pending")
        case .livelock(let live):
            return .unfinished(reason: "livelock", why: "livelock: jobs kept running without time advancing (\(live) tasks alive)")
        case .stopped(let live):
            return .unfinished(reason: "stopped", why: "the run was stopped with no rule reported broken (\(live) tasks alive)")
        }
    }
}
