/// What a flag of a command takes.
enum OptionKind: Equatable, Sendable {
    /// A switch: present or not.
    case flag
    /// A whole number in `range`.
    case number(ClosedRange<UInt64>)
    /// One name of a fixed list.
    case choice([String], listHint: String)
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

    /// What a value must look like, for error messages.
    var expected: String {
        switch kind {
        case .flag: "none"
        case .number(let range): "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .choice(_, let hint): hint
        }
    }

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .flag, placeholder: "", defaultValue: nil, help: help)
    }

    static func number(_ name: String, _ range: ClosedRange<UInt64>, default value: UInt64, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .number(range), placeholder: "N", defaultValue: String(value), help: help)
    }
}

/// The values a command's flags were given.
struct ParsedOptions: Equatable, Sendable {
    private(set) var switches: Set<String> = []
    private(set) var numbers: [String: UInt64] = [:]
    private(set) var choices: [String: String] = [:]
    /// `--help` was among the arguments.
    var wantsHelp = false
    /// The words that are not flags (a file name, `-` for standard input), up to the command's limit.
    private(set) var operands: [String] = []

    func isSet(_ name: String) -> Bool { switches.contains(name) }
    func number(_ name: String, default value: UInt64) -> UInt64 { numbers[name] ?? value }
    func choice(_ name: String) -> String? { choices[name] }

    /// Reads `arguments` (the words after the command) against `spec`'s flags. `--flag value` and
    /// `--flag=value` are both accepted; `-h` and `--help` ask for the command's help.
    static func parse(_ arguments: [String], for spec: CommandSpec) throws(ToolError) -> ParsedOptions {
        var parsed = ParsedOptions()
        var seen: Set<String> = []
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
            guard seen.insert(name).inserted else { throw .repeatedFlag(option.flag) }
            if case .flag = option.kind {
                if let inlineValue { throw .unexpectedValue(flag: option.flag, value: inlineValue) }
                parsed.switches.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else { throw .missingValue(flag: option.flag, expected: option.expected) }
                value = arguments[index]
                index += 1
            }
            switch option.kind {
            case .flag:
                break
            case .number(let range):
                guard let number = wholeNumber(value), range.contains(number) else {
                    throw .badNumber(flag: option.flag, value: value, range: range)
                }
                parsed.numbers[name] = number
            case .choice(let names, let hint):
                guard names.contains(value) else { throw .unknownChoice(flag: option.flag, value: value, allowed: hint) }
                parsed.choices[name] = value
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
