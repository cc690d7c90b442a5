import Foundation

/// A JSON value the tool prints. Objects print their keys sorted, so the same value always prints
/// the same text.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as indented JSON text.
    var rendered: String {
        var text = ""
        write(into: &text, indent: 0)
        return text
    }

    private func write(into text: inout String, indent: Int) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .number(let value): text += value.isFinite ? String(format: "%.6f", value) : "null"
        case .string(let value): text += Self.quoted(value)
        case .array(let values):
            guard !values.isEmpty else {
                text += "[]"
                return
            }
            text += "[\n"
            for (i, value) in values.enumerated() {
                text += Self.spaces(indent + 1)
                value.write(into: &text, indent: indent + 1)
                text += i == values.count - 1 ? "\n" : ",\n"
            }
            text += Self.spaces(indent) + "]"
        case .object(let members):
            guard !members.isEmpty else {
                text += "{}"
                return
            }
            text += "{\n"
            let keys = members.keys.sorted()
            for (i, key) in keys.enumerated() {
                text += Self.spaces(indent + 1) + Self.quoted(key) + ": "
                members[key]!.write(into: &text, indent: indent + 1)
                text += i == keys.count - 1 ? "\n" : ",\n"
            }
            text += Self.spaces(indent) + "}"
        }
    }

    private static func spaces(_ level: Int) -> String { String(repeating: "  ", count: level) }

    private static func quoted(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
