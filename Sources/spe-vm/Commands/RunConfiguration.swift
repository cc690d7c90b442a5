import SPEDevice

/// What `spe-vm run` was asked to do.
struct RunConfiguration: Equatable, Sendable {
    var vcpus = 4
    var pcpus = 2
    var vms = 2
    var rounds: UInt64 = 200
    var operations: UInt64 = 20000
    var seed: UInt64 = 1
    var hostPerf = false
    var mutation: SPEMutation?

    /// Each VCPU's buffer: its own 16 KiB at `bufferBase(v)`.
    static let bufferSize: UInt64 = 16 * 1024
    /// Sampling interval, in operations.
    static let interval: UInt64 = 256

    static func bufferBase(_ vcpu: Int) -> UInt64 { 0x8000_0000 + UInt64(vcpu) * 0x10_0000 }

    /// The flags of `spe-vm run`.
    static let options: [OptionSpec] = [
        .number("vcpus", 1...4096, default: 4, "virtual CPUs"),
        .number("pcpus", 1...1024, default: 2, "physical CPUs, each with an SPE unit"),
        .number("vms", 1...4096, default: 2, "VMs, all with SPE; VCPUs are spread round robin (at most --vcpus)"),
        .number("rounds", 1...1_000_000, default: 200, "rounds; each VCPU runs once per round, on the next CPU"),
        .number("operations", 1...100_000_000, default: 20000, "guest operations per VCPU per round"),
        .number("seed", 0...UInt64.max, default: 1, "seed of every random choice"),
        .flag("host-perf", "run a host perf session on every physical CPU"),
        OptionSpec(
            name: "mutation", kind: .choice(SPEMutation.allCases.map(\.rawValue), listHint: mutationHint),
            placeholder: "NAME", defaultValue: nil, help: "run a broken variant of the model (spe-vm mutations)"),
        .flag("json", "print the report as one JSON object"),
    ]

    static let mutationHint = "mutations are the names 'spe-vm mutations' lists, e.g. no-service-clear-on-exit"

    /// The configuration `options` describe.
    init(_ options: ParsedOptions) throws(ToolError) {
        vcpus = Int(options.number("vcpus", default: 4))
        pcpus = Int(options.number("pcpus", default: 2))
        rounds = options.number("rounds", default: 200)
        operations = options.number("operations", default: 20000)
        seed = options.number("seed", default: 1)
        hostPerf = options.isSet("host-perf")
        mutation = options.choice("mutation").flatMap(SPEMutation.init(rawValue:))
        if let given = options.numbers["vms"] {
            guard given <= UInt64(vcpus) else {
                throw .inconsistent("--vms \(given) is more than --vcpus \(vcpus): every VM needs a VCPU, give --vms from 1 to \(vcpus)")
            }
            vms = Int(given)
        } else {
            vms = min(2, vcpus)
        }
    }

    init() {}

    /// The command line that reproduces this run.
    var commandLine: String {
        var words = ["spe-vm", "run", "--vcpus", "\(vcpus)", "--pcpus", "\(pcpus)", "--vms", "\(vms)",
            "--rounds", "\(rounds)", "--operations", "\(operations)", "--seed", "\(seed)"]
        if hostPerf { words.append("--host-perf") }
        if let mutation { words += ["--mutation", mutation.rawValue] }
        return words.joined(separator: " ")
    }
}
