import SPEDevice
import VCPURuntime

/// A deliberately broken variant of the model, by name: SPEDevice's mutations and the runtime's
/// share one namespace (`--mutation`, `spe-vm mutations`).
enum RunMutation: Hashable, Sendable {
    case spe(SPEMutation)
    case runtime(RuntimeMutation)

    /// Every mutation: SPEDevice's, then the runtime's, each in its declaration order.
    static let all: [RunMutation] = SPEMutation.allCases.map(RunMutation.spe) + RuntimeMutation.allCases.map(RunMutation.runtime)

    /// The mutation called `name`.
    init?(name: String) {
        guard let mutation = Self.all.first(where: { $0.name == name }) else { return nil }
        self = mutation
    }

    var name: String {
        switch self {
        case .spe(let mutation): mutation.rawValue
        case .runtime(let mutation): mutation.rawValue
        }
    }

    /// What it breaks.
    var summary: String {
        switch self {
        case .spe(let mutation): mutation.summary
        case .runtime(let mutation): mutation.summary
        }
    }

    /// The name of the rule it breaks.
    var rule: String {
        switch self {
        case .spe(let mutation): mutation.rule.rawValue
        case .runtime(let mutation): mutation.rule.rawValue
        }
    }

    /// The mutation a scenario runs, if any.
    init?(_ scenario: Scenario) {
        if let mutation = scenario.mutation {
            self = .spe(mutation)
        } else if let mutation = scenario.runtimeMutation {
            self = .runtime(mutation)
        } else {
            return nil
        }
    }

    /// Sets the scenario's mutation to this one (and only this one).
    func apply(to scenario: inout Scenario) {
        switch self {
        case .spe(let mutation):
            scenario.mutation = mutation
            scenario.runtimeMutation = nil
        case .runtime(let mutation):
            scenario.mutation = nil
            scenario.runtimeMutation = mutation
        }
    }
}

extension RunMutation {
    /// Says on standard error when `scenario`'s mutation cannot show in it
    /// (``Scenario/missingIngredientForItsMutation``): a clean run or campaign there would say
    /// nothing about the checker.
    static func warnIfUnreached(in scenario: Scenario, command: String) {
        guard let missing = scenario.missingIngredientForItsMutation, let mutation = RunMutation(scenario) else { return }
        Console.error(
            "spe-vm \(command): note: --mutation \(mutation.name) cannot break its rule in this scenario: it needs \(missing)")
    }
}
