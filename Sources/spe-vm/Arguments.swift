import SPEDevice
import VCPURuntime

/// What a flag of a command takes. The same kinds read a run's settings from a scenario file, so
/// a value means the same wherever it is given.
enum OptionKind: Equatable, Sendable {
    /// A switch: present or not (`true` or `false` in a scenario file).
    case flag
    /// A whole number in `range`.
    case number(ClosedRange<UInt64>)
    /// One name of a fixed list; `expected` says which, for messages.
    case choice([String], expected: String)
    /// A duration longer than zero (``DurationText``); with `off`, also the word `off`: none.
    case duration(off: Bool)
    /// A maximum buffer size in bytes that `PMBIDR_EL1.MaxBuffSize` can show (0: no limit).
    case bufferSize
    /// A file's path.
    case path
    /// Faults with their mean intervals (``FaultList``).
    case faults
    /// A slice of a seed range, `I/N` (``Shard``).
    case shard
    /// `PMSIDR_EL1` features to hide (``FeatureList``).
    case features

    /// What a value must look like, for messages.
    var expected: String {
        switch self {
        case .flag: "true or false"
        case .number(let range): "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .choice(_, let expected): expected
        case .duration(let off): off ? DurationText.expected + " or off" : DurationText.expected
        case .bufferSize: "a size in bytes PMBIDR_EL1.MaxBuffSize can show"
        case .path: "a file path"
        case .faults: FaultList.expected
        case .shard: "I/N: slice I of N, numbered from 1 (1 <= I <= N)"
        case .features: FeatureList.expected
        }
    }

    /// Reads a value given as text: a flag's word, or a scenario file's string or number literal.
    func parse(_ text: String) throws(ValueProblem) -> OptionValue {
        switch self {
        case .flag:
            throw ValueProblem(expected: expected)
        case .number(let range):
            guard let number = ParsedOptions.wholeNumber(text), range.contains(number) else {
                throw ValueProblem(expected: expected)
            }
            return .number(number)
        case .choice(let names, _):
            guard names.contains(text) else { throw ValueProblem(expected: expected) }
            return .name(text)
        case .duration(let off):
            if off && text == "off" { return .duration(nil) }
            let nanoseconds: UInt64
            do {
                nanoseconds = try DurationText.parse(text)
            } catch {
                throw ValueProblem(expected: off ? error.expected + " or off" : error.expected)
            }
            guard nanoseconds > 0 else { throw ValueProblem(expected: "a duration longer than 0") }
            return .duration(nanoseconds)
        case .bufferSize:
            guard let bytes = ParsedOptions.wholeNumber(text) else { throw ValueProblem(expected: expected) }
            do {
                _ = try MaxBufferSize(bytes: bytes)
            } catch {
                throw ValueProblem(expected: expected, detail: error.description)
            }
            return .number(bytes)
        case .path:
            guard !text.isEmpty else { throw ValueProblem(expected: expected) }
            return .path(text)
        case .faults:
            return .faults(try FaultList.parse(text))
        case .features:
            return .features(try FeatureList.parse(text))
        case .shard:
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = ParsedOptions.wholeNumber(String(parts[0])),
                let count = ParsedOptions.wholeNumber(String(parts[1])), index <= 1 << 20, count <= 1 << 20
            else { throw ValueProblem(expected: expected) }
            guard let shard = Shard(index: Int(index), count: Int(count)) else {
                let detail =
                    count == 0 ? "there must be at least one slice"
                    : index == 0 ? "slices are numbered from 1 (a 0-based job index i is slice i+1)"
                    : "slice \(index) of \(count) does not exist"
                throw ValueProblem(expected: expected, detail: detail)
            }
            return .shard(shard)
        }
    }
}

/// A value of a flag or a scenario-file setting, read by its ``OptionKind``.
enum OptionValue: Equatable, Sendable {
    case bool(Bool)
    case number(UInt64)
    /// Nanoseconds; nil for `off`.
    case duration(UInt64?)
    case name(String)
    case path(String)
    case faults([FaultKind: UInt64])
    case shard(Shard)
    case features([PMSIDRFeature])
}

/// Why a value does not fit its option: what was expected, and the model's own reason when it
/// gives one.
struct ValueProblem: Error, Equatable, Sendable {
    let expected: String
    var detail: String? = nil
}

/// One flag of a command, as `--help` lists it and the parser reads it.
struct OptionSpec: Equatable, Sendable {
    /// The flag without its dashes (`vcpus`).
    let name: String
    let kind: OptionKind
    /// The value placeholder in usage (`N`, `NAME`).
    let placeholder: String
    /// The default, as `--help` shows it; nil when there is none.
    let defaultValue: String?
    let help: String

    var flag: String { "--\(name)" }

    /// `--vcpus N`.
    var usage: String {
        if case .flag = kind { return flag }
        return "\(flag) \(placeholder)"
    }

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .flag, placeholder: "", defaultValue: nil, help: help)
    }

    /// The same flag with another default and help shown by `--help` (a command whose defaults or
    /// neighbouring flags differ).
    func defaulting(to defaultValue: String?, help: String? = nil) -> OptionSpec {
        OptionSpec(name: name, kind: kind, placeholder: placeholder, defaultValue: defaultValue, help: help ?? self.help)
    }
}

/// The values a command's flags were given.
struct ParsedOptions: Equatable, Sendable {
    /// Each flag given, by name, with its value (`.bool(true)` for a switch).
    private(set) var values: [String: OptionValue] = [:]
    /// `--help` was among the arguments.
    var wantsHelp = false
    /// The words that are not flags (a file name, `-` for standard input), up to the command's limit.
    private(set) var operands: [String] = []
    /// The words after the command, as given (for a replay line).
    private(set) var arguments: [String] = []

    func isSet(_ name: String) -> Bool { values[name] == .bool(true) }

    /// Reads `arguments` (the words after the command) against `spec`'s flags. `--flag value` and
    /// `--flag=value` are both accepted; `-h` and `--help` ask for the command's help.
    static func parse(_ arguments: [String], for spec: CommandSpec) throws(ToolError) -> ParsedOptions {
        var parsed = ParsedOptions()
        parsed.arguments = arguments
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--help" || word == "-h" {
                parsed.wantsHelp = true
                continue
            }
            guard word.hasPrefix("--"), word.count > 2 else {
                if word.hasPrefix("-") && word != "-" { throw .unknownFlag(word, command: spec.name) }
                guard parsed.operands.count < spec.operandLimit else {
                    throw .unexpectedArgument(word, command: spec.name)
                }
                parsed.operands.append(word)
                continue
            }
            let body = word.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                throw .unknownFlag(inlineValue == nil ? word : "--\(name)", command: spec.name)
            }
            guard parsed.values[name] == nil else { throw .repeatedFlag(option.flag) }
            if case .flag = option.kind {
                if let inlineValue { throw .unexpectedValue(flag: option.flag, value: inlineValue) }
                parsed.values[name] = .bool(true)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw .missingValue(flag: option.flag, expected: option.kind.expected)
                }
                value = arguments[index]
                index += 1
            }
            do {
                parsed.values[name] = try option.kind.parse(value)
            } catch {
                throw .badValue(place: option.flag, value: "'\(value)'", problem: error)
            }
        }
        return parsed
    }

    /// A decimal whole number of ASCII digits only (no sign, no spaces), if it fits 64 bits.
    static func wholeNumber(_ text: String) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(text)
    }
}
