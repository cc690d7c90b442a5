import SPEDevice

/// A register-level guest script for `spe-vm exec`, in the spirit of kvm-unit-tests: one command per
/// line, `#` starts a comment. See ``ScriptCommand`` for the language.
public struct GuestScript: Hashable, Sendable {
    /// The commands with their line numbers (from 1).
    public let lines: [(line: Int, command: ScriptCommand)]
    /// The configuration the `config` lines set.
    public let configuration: ScriptConfiguration

    public static func == (a: Self, b: Self) -> Bool {
        a.configuration == b.configuration && a.lines.map(\.line) == b.lines.map(\.line)
            && a.lines.map(\.command) == b.lines.map(\.command)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(configuration)
        for (line, command) in lines {
            hasher.combine(line)
            hasher.combine(command)
        }
    }

    /// Parses and checks `text`: a script either is valid as a whole or is refused with the first
    /// wrong line, before anything runs.
    public init(parsing text: String) throws(RuntimeError) {
        var parsed: [(line: Int, command: ScriptCommand)] = []
        var configuration = ScriptConfiguration()
        var guestStarted = false
        // Every error is collected with its line, so the one reported is the first wrong line.
        var errors: [(line: Int, error: RuntimeError)] = []
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            let content = raw.prefix { $0 != "#" }
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard !words.isEmpty else { continue }
            do throws(RuntimeError) {
                let command = try ScriptCommand(words: words, line: number)
                if case .config(let setting) = command {
                    if guestStarted {
                        throw .script(line: number,
                            message: "config after the guest started: put every config line before the first guest action")
                    }
                    try configuration.apply(setting, line: number)
                } else if command.isGuestAction {
                    guestStarted = true
                }
                parsed.append((number, command))
            } catch {
                errors.append((number, error))
            }
        }
        for (number, command) in parsed {
            do throws(RuntimeError) {
                try configuration.check(command, line: number)
            } catch {
                errors.append((number, error))
            }
        }
        if let first = errors.min(by: { $0.line < $1.line }) { throw first.error }
        lines = parsed
        self.configuration = configuration
    }
}

/// What the `config` lines of a script set.
public struct ScriptConfiguration: Hashable, Sendable {
    public var maxBufferSize: UInt64 = 0
    public var memlockLimit: UInt64 = .max
    public var speIRQ: UInt32 = 21
    public var vcpus = 1
    public var pcpus = 1
    public var seed: UInt64 = 1
    public var hidden: [PMSIDRFeature] = []
    public var mutation: SPEMutation?
    /// Host operations (KVM's exit handling, profiled by a host session) after every exit.
    public var hostWork = PhysicalCPU.defaultHostOperationsPerExit

    public init() {}

    mutating func apply(_ setting: ScriptCommand.Setting, line: Int) throws(RuntimeError) {
        switch setting {
        case .maxBufferSize(let bytes):
            do { _ = try MaxBufferSize(bytes: bytes) } catch { throw .script(line: line, message: error.description) }
            maxBufferSize = bytes
        case .memlockLimit(let bytes): memlockLimit = bytes
        case .speIRQ(let intid):
            guard (16...31).contains(intid) else {
                throw .script(line: line, message: "spe-irq \(intid) is not a PPI: the SPE interrupt must be INTID 16 to 31")
            }
            guard !VCPUSPEState.reservedPPIs.contains(where: { $0.rawValue == intid }) else {
                throw .script(line: line, message: SPEDeviceError.irqInUse(intid).description)
            }
            speIRQ = intid
        case .vcpus(let n): vcpus = n
        case .pcpus(let n): pcpus = n
        case .seed(let n): seed = n
        case .hide(let feature): if !hidden.contains(feature) { hidden.append(feature) }
        case .mutation(let mutation): self.mutation = mutation
        case .hostWork(let operations): hostWork = operations
        }
    }

    /// Checks the numbers a command uses against the configuration.
    func check(_ command: ScriptCommand, line: Int) throws(RuntimeError) {
        switch command {
        case .vcpu(let n) where n >= vcpus:
            throw .script(line: line, message: "vcpu \(n) does not exist: VCPUs are 0 to \(vcpus - 1) (config vcpus N)")
        case .migrate(let n) where n >= pcpus:
            throw .script(line: line, message: "migrate \(n): physical CPUs are 0 to \(pcpus - 1) (config pcpus N)")
        default: break
        }
    }
}

/// One command of a guest script.
public enum ScriptCommand: Hashable, Sendable {
    /// `config KEY VALUE`, before the first guest action.
    case config(Setting)
    /// `vcpu N`: later lines act on VCPU N.
    case vcpu(Int)
    /// `migrate N`: the current VCPU moves to physical CPU N.
    case migrate(Int)
    /// `map START END`: the guest maps `[START, END)` at stage 1 with memory behind it at stage 2.
    case map(Range<UInt64>)
    /// `unmap stage1|stage2 START END`.
    case unmap(TranslationFault.Stage, Range<UInt64>)
    /// `write REG VALUE`: a guest write.
    case write(SPERegisterID, UInt64)
    /// `read REG`: a guest read, printed as `REG=0x…`.
    case read(SPERegisterID)
    /// `expect REG VALUE [MASK]`: a guest read compared under the mask.
    case expect(SPERegisterID, value: UInt64, mask: UInt64)
    /// `expect virq 0|1`: the SPE virtual line.
    case expectVirq(Bool)
    /// `run OPS`: the guest executes OPS sampleable operations.
    case run(UInt64)
    /// `virq`: prints the SPE virtual line.
    case virq
    /// `records`: prints the decoded records of the buffer.
    case records
    /// `dump FILE`: writes the raw buffer bytes to FILE.
    case dump(String)
    /// `stats`: prints `name=value` lines.
    case stats
    /// `host-perf on|off`: the host's SPE session on the current CPU.
    case hostPerf(Bool)

    /// A `config` setting.
    public enum Setting: Hashable, Sendable {
        case maxBufferSize(UInt64)
        case memlockLimit(UInt64)
        case speIRQ(UInt32)
        case vcpus(Int)
        case pcpus(Int)
        case seed(UInt64)
        case hide(PMSIDRFeature)
        case mutation(SPEMutation)
        case hostWork(UInt64)
    }

    /// The most operations one `run` line may ask for (in discard mode every sample is work).
    public static let maxOperations: UInt64 = 1_000_000_000

    /// The commands, for messages.
    public static let names = [
        "config", "vcpu", "migrate", "map", "unmap", "write", "read", "expect", "run", "virq", "records", "dump",
        "stats", "host-perf",
    ]

    /// Whether the command is something the guest does (after which `config` is refused).
    public var isGuestAction: Bool {
        switch self {
        case .write, .read, .expect, .run: true
        default: false
        }
    }

    init(words: [String], line: Int) throws(RuntimeError) {
        func fail(_ message: String) -> RuntimeError { .script(line: line, message: message) }
        func arguments(_ count: Int, _ usage: String) throws(RuntimeError) {
            guard words.count == count + 1 else { throw fail("'\(words[0])' takes \(usage)") }
        }
        func number(_ word: String, _ what: String) throws(RuntimeError) -> UInt64 {
            guard let value = ScriptCommand.number(word) else {
                throw fail("\(what) '\(word)' is not a number: use decimal or 0x hex, '|' to OR several")
            }
            return value
        }
        func count(_ word: String, _ what: String, max: Int) throws(RuntimeError) -> Int {
            guard let value = ScriptCommand.number(word), value >= 1, value <= UInt64(max) else {
                throw fail("\(what) takes a whole number from 1 to \(max), got '\(word)'")
            }
            return Int(value)
        }
        func index(_ word: String, _ what: String) throws(RuntimeError) -> Int {
            guard let value = ScriptCommand.number(word), value < 4096 else {
                throw fail("\(what) takes a number from 0, got '\(word)'")
            }
            return Int(value)
        }
        func register(_ word: String) throws(RuntimeError) -> SPERegisterID {
            guard let id = SPERegisterID(name: word) else { throw fail(SPEDeviceError.unknownRegister(word).description) }
            return id
        }
        func range(_ start: String, _ end: String) throws(RuntimeError) -> Range<UInt64> {
            let low = try number(start, "start address")
            let high = try number(end, "end address")
            guard low < high else { throw fail("the range [\(start), \(end)) is empty: START must be below END") }
            return low..<high
        }
        switch words[0] {
        case "config":
            try arguments(2, "a key and a value: config KEY VALUE")
            let value = words[2]
            switch words[1] {
            case "max-buffer-size": self = .config(.maxBufferSize(try number(value, "max-buffer-size")))
            case "memlock-limit": self = .config(.memlockLimit(try number(value, "memlock-limit")))
            case "spe-irq":
                let intid = try number(value, "spe-irq")
                guard intid <= UInt64(UInt32.max) else { throw fail("spe-irq \(value) is not an INTID") }
                self = .config(.speIRQ(UInt32(intid)))
            case "vcpus": self = .config(.vcpus(try count(value, "vcpus", max: 64)))
            case "pcpus": self = .config(.pcpus(try count(value, "pcpus", max: 64)))
            case "seed": self = .config(.seed(try number(value, "seed")))
            case "hide":
                do { self = .config(.hide(try PMSIDRFeature.named(value))) } catch { throw fail(error.description) }
            case "host-work":
                let operations = try number(value, "host-work")
                guard operations <= PhysicalCPU.maximumHostOperationsPerExit else {
                    throw fail("host-work takes 0 to \(PhysicalCPU.maximumHostOperationsPerExit) operations per exit, got '\(value)'")
                }
                self = .config(.hostWork(operations))
            case "mutation":
                guard let mutation = SPEMutation(rawValue: value) else {
                    throw fail(SPEDeviceError.unknownMutation(value).description)
                }
                self = .config(.mutation(mutation))
            default:
                throw fail("unknown config key '\(words[1])': keys are max-buffer-size, memlock-limit, spe-irq, vcpus, pcpus, seed, hide, mutation, host-work")
            }
        case "vcpu":
            try arguments(1, "a VCPU number: vcpu N")
            self = .vcpu(try index(words[1], "vcpu"))
        case "migrate":
            try arguments(1, "a physical CPU number: migrate N")
            self = .migrate(try index(words[1], "migrate"))
        case "map":
            try arguments(2, "a range: map START END")
            self = .map(try range(words[1], words[2]))
        case "unmap":
            try arguments(3, "a stage and a range: unmap stage1|stage2 START END")
            let stage: TranslationFault.Stage
            switch words[1] {
            case "stage1": stage = .stage1
            case "stage2": stage = .stage2
            default: throw fail("unmap takes stage1 or stage2, got '\(words[1])'")
            }
            self = .unmap(stage, try range(words[2], words[3]))
        case "write":
            try arguments(2, "a register and a value: write REG VALUE")
            self = .write(try register(words[1]), try number(words[2], "value"))
        case "read":
            try arguments(1, "a register: read REG")
            self = .read(try register(words[1]))
        case "expect":
            if words.count == 3 && words[1] == "virq" {
                switch words[2] {
                case "0": self = .expectVirq(false)
                case "1": self = .expectVirq(true)
                default: throw fail("expect virq takes 0 or 1, got '\(words[2])'")
                }
            } else {
                guard words.count == 3 || words.count == 4 else {
                    throw fail("'expect' takes a register, a value and an optional mask (expect REG VALUE [MASK]), or expect virq 0|1")
                }
                let mask = words.count == 4 ? try number(words[3], "mask") : UInt64.max
                self = .expect(try register(words[1]), value: try number(words[2], "value"), mask: mask)
            }
        case "run":
            try arguments(1, "a number of operations: run OPS")
            let operations = try number(words[1], "run")
            guard operations <= Self.maxOperations else {
                throw fail("run takes at most \(Self.maxOperations) operations per line, got \(words[1]): split it over several lines")
            }
            self = .run(operations)
        case "virq":
            try arguments(0, "nothing")
            self = .virq
        case "records":
            try arguments(0, "nothing")
            self = .records
        case "dump":
            try arguments(1, "a file name: dump FILE")
            self = .dump(words[1])
        case "stats":
            try arguments(0, "nothing")
            self = .stats
        case "host-perf":
            try arguments(1, "on or off")
            switch words[1] {
            case "on": self = .hostPerf(true)
            case "off": self = .hostPerf(false)
            default: throw fail("host-perf takes on or off, got '\(words[1])'")
            }
        default:
            throw fail("unknown command '\(words[0])': commands are \(Self.names.joined(separator: ", "))")
        }
    }

    /// A number in decimal or `0x` hex; `|` ORs several. Nil when any part is not a number.
    public static func number(_ word: String) -> UInt64? {
        var result: UInt64 = 0
        for part in word.split(separator: "|", omittingEmptySubsequences: false) {
            let text = part.lowercased()
            let value: UInt64?
            if text.hasPrefix("0x") {
                let digits = text.dropFirst(2).filter { $0 != "_" }
                value = digits.isEmpty ? nil : UInt64(String(digits), radix: 16)
            } else {
                let digits = text.filter { $0 != "_" }
                value = digits.isEmpty ? nil : UInt64(String(digits))
            }
            guard let value else { return nil }
            result |= value
        }
        return result
    }
}
