import Testing

@testable import VCPURuntime

/// A scenario and the message its validation must give (nil: valid).
struct ScenarioCase: Sendable, CustomTestStringConvertible {
    let name: String
    let scenario: Scenario
    let message: String?
    var testDescription: String { name }
}

@Suite struct ScenarioValidationTests {
    static func base(cpus: Int = 2, _ vms: [VMScenario] = [VMScenario(vcpus: 2)]) -> Scenario {
        Scenario(cpus: cpus, vms: vms, budget: .exits(1000))
    }

    static func changed(_ change: (inout Scenario) -> Void) -> Scenario {
        var scenario = base()
        change(&scenario)
        return scenario
    }

    static func vm(_ change: (inout VMScenario) -> Void) -> VMScenario {
        var vm = VMScenario(vcpus: 1)
        change(&vm)
        return vm
    }

    static let cases: [ScenarioCase] = [
        ScenarioCase(name: "the base scenario", scenario: base(), message: nil),
        ScenarioCase(
            name: "SPU, maximum size and memlock on an SPE VM",
            scenario: base([vm { $0.spu = [1, 0]; $0.maxBufferSize = 8192; $0.lockedMemoryLimit = 0 }]), message: nil),
        ScenarioCase(name: "a VM without SPE and without SPE attributes", scenario: base([VMScenario(vcpus: 1, hasSPE: false)]), message: nil),
        ScenarioCase(name: "no CPU", scenario: base(cpus: 0), message: "pcpus: a run needs at least one physical CPU, got 0"),
        ScenarioCase(name: "too many CPUs", scenario: base(cpus: 1025), message: "pcpus: at most 1024 physical CPUs, got 1025"),
        ScenarioCase(name: "no VM", scenario: base([]), message: "vms: a run needs at least one VM"),
        ScenarioCase(
            name: "a VM without VCPUs", scenario: base([VMScenario(vcpus: 1), VMScenario(vcpus: 0)]),
            message: "vms[1].vcpus: a VM needs at least one VCPU, got 0"),
        ScenarioCase(
            name: "too many VCPUs", scenario: base([VMScenario(vcpus: 4000), VMScenario(vcpus: 97)]),
            message: "vms: at most 4096 VCPUs over all VMs, got 4097"),
        ScenarioCase(
            name: "an SPU on no CPU", scenario: base([VMScenario(vcpus: 1), vm { $0.spu = [5] }]),
            message: "vms[1].spu[0]: CPU 5 has no SPU: the run has 2 physical CPUs (0–1)"),
        ScenarioCase(
            name: "an SPU on a negative CPU", scenario: base(cpus: 1, [vm { $0.spu = [0, -1] }]),
            message: "vms[0].spu[1]: CPU -1 has no SPU: the run has 1 physical CPU (0)"),
        ScenarioCase(
            name: "an empty SPU", scenario: base([vm { $0.spu = [] }]),
            message: "vms[0].spu: names no CPU: give at least one of the run's 2 physical CPUs (0–1)"),
        ScenarioCase(
            name: "a CPU twice in an SPU", scenario: base([vm { $0.spu = [1, 1] }]),
            message: "vms[0].spu[1]: CPU 1 is listed twice: name each CPU once"),
        ScenarioCase(
            name: "an SPU without SPE", scenario: base([vm { $0.hasSPE = false; $0.spu = [0] }]),
            message: "vms[0].spu: the VM has no SPE (spe is false): an SPU needs SPE"),
        ScenarioCase(
            name: "a maximum buffer size without SPE", scenario: base([vm { $0.hasSPE = false; $0.maxBufferSize = 4096 }]),
            message: "vms[0].max_buffer_size: the VM has no SPE (spe is false): a maximum buffer size needs SPE"),
        ScenarioCase(
            name: "a maximum buffer size MaxBuffSize cannot show", scenario: base([vm { $0.maxBufferSize = 5000 }]),
            message: "vms[0].max_buffer_size: maximum buffer size 5000 cannot be shown in PMBIDR_EL1.MaxBuffSize: use 0 "
                + "(no limit), a multiple of 4 KiB up to 2044 KiB, or (512 + M) << (E + 11) bytes with M 0-511, E 1-31"),
        ScenarioCase(
            name: "a zero duration", scenario: changed { $0.budget = .duration(0) },
            message: "duration: a run's duration must be longer than 0"),
        ScenarioCase(
            name: "a zero exit budget", scenario: changed { $0.budget = .exits(0) },
            message: "exits: a run's exit budget must be at least 1"),
        ScenarioCase(
            name: "a zero time slice", scenario: changed { $0.timeSlice = 0 },
            message: "time_slice: a time slice must be longer than 0"),
        ScenarioCase(
            name: "a zero migration period", scenario: changed { $0.migrateEvery = 0 },
            message: "migrate_every: the migration period must be longer than 0 (leave it out for no migrator)"),
        ScenarioCase(
            name: "a zero polling window", scenario: changed { $0.idle = .poll(window: 0) },
            message: "idle: a polling window must be longer than 0 (use park to sleep at once)"),
    ]

    @Test("validate() accepts a run that can be made and names the setting at fault otherwise", arguments: cases)
    func validation(_ test: ScenarioCase) {
        do {
            try test.scenario.validate()
            #expect(test.message == nil, "accepted")
        } catch {
            #expect(error == .scenario(test.message ?? "(none)"))
            #expect(error.description == test.message)
        }
    }
}
