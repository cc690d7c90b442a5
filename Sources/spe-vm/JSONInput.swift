/// A JSON value as a file gives it: numbers kept as written, object members in file order.
///
/// The tool reads JSON itself, strictly (RFC 8259), because Foundation's `JSONSerialization` on
/// Linux accepts trailing commas, keeps one of two equal keys without a word, reads `1` as `true`,
/// rounds integers past 2^53 and does not say where a mistake is. ``parse(_:)`` says the line and
/// column of the first mistake.
indirect enum JSONInput: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number, as written (`-3`, `1.5e3`).
    case number(String)
    case string(String)
    case array([JSONInput])
    case object([Member])

    /// One member of an object.
    struct Member: Equatable, Sendable {
        let key: String
        let value: JSONInput
    }

    /// How deep arrays and objects may nest (deeper text is refused, not a stack overflow).
    static let maximumDepth = 64

    /// The value `text` holds.
    static func parse(_ text: String) throws(ToolError) -> JSONInput {
        var reader = JSONTextReader(Array(text.utf8))
        do {
            return try reader.document()
        } catch {
            let (line, column) = reader.position(of: error.offset)
            throw .jsonSyntax(line: line, column: column, message: error.message)
        }
    }

    /// The value as a message shows it: scalars as JSON text (long strings cut), an array or an
    /// object by its kind.
    var shown: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let literal): literal
        case .string(let value):
            JSONValue.string(value.count > 60 ? String(value.prefix(60)) + "…" : value).rendered
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A syntax mistake at a byte offset of the text.
struct JSONSyntaxError: Error {
    let offset: Int
    let message: String
}

/// The reader behind ``JSONInput/parse(_:)``: recursive descent over the UTF-8 bytes.
private struct JSONTextReader {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A byte order mark may start the file.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// Line and column (both from 1, the column in characters) of `offset`.
    func position(of offset: Int) -> (line: Int, column: Int) {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        // Count characters' first bytes (not UTF-8 continuation bytes 0b10xxxxxx).
        let column = bytes[lineStart..<min(offset, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count + 1
        return (line, column)
    }

    mutating func document() throws(JSONSyntaxError) -> JSONInput {
        let value = try self.value()
        skipSpace()
        guard index == bytes.count else { throw fail("expected the end of the file after the value, found \(found)") }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// The byte at the reading position, for messages.
    private var found: String {
        guard let byte = current else { return "the end of the file" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        switch byte {
        case UInt8(ascii: " "): return "a space"
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return "the end of the line"
        case UInt8(ascii: "\t"): return "a tab"
        default:
            // A character beyond ASCII (or a control character): show it as text.
            var end = index + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        }
    }

    private func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, message: message)
    }

    private mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONInput {
        skipSpace()
        guard let byte = current else {
            throw fail("expected a value (an object, array, string, number, true, false or null), found \(found)")
        }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default:
            throw fail("expected a value (an object, array, string, number, true, false or null), found \(found)")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONInput) throws(JSONSyntaxError) -> JSONInput {
        let start = index
        var wordEnd = index
        while wordEnd < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[wordEnd]) { wordEnd += 1 }
        guard bytes[start..<wordEnd].elementsEqual(word.utf8) else {
            let seen = String(decoding: bytes[start..<wordEnd], as: UTF8.self)
            throw fail("expected a value, found '\(seen)' (true, false and null are lowercase words; strings need double quotes)")
        }
        index = wordEnd
        return value
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= JSONInput.maximumDepth else {
            throw fail("arrays and objects nest deeper than \(JSONInput.maximumDepth) levels")
        }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONInput {
        try enter()
        index += 1
        var members: [JSONInput.Member] = []
        var keys: Set<String> = []
        skipSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([])
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw fail("expected a key (a string in double quotes), found \(found)") }
            let keyStart = index
            let key = try string()
            guard keys.insert(key).inserted else { throw fail("the key '\(key)' is given twice: give each key once", at: keyStart) }
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw fail("expected ':' after the key '\(key)', found \(found)") }
            index += 1
            members.append(JSONInput.Member(key: key, value: try value()))
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(members)
            default:
                throw fail("expected ',' or '}' after the value of '\(key)', found \(found)")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONInput {
        try enter()
        index += 1
        var elements: [JSONInput] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array([])
        }
        while true {
            elements.append(try value())
            skipSpace()
            switch current {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default:
                throw fail("expected ',' or ']' after an element of an array, found \(found)")
            }
        }
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONInput {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
            if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                throw fail("a number does not start with 0 (no octal, no leading zeros)", at: start)
            }
        } else if digits() == 0 {
            throw fail("expected a digit after '-', found \(found)")
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("expected a digit after the decimal point, found \(found)") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("expected a digit in the exponent, found \(found)") }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw fail("a string is not closed: expected '\"' before the end of the file") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &utf8)
            case 0..<0x20:
                throw fail("a control character inside a string: write it as an escape (\\n, \\t, \\u00XX)")
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        guard let byte = current else { throw fail("a string is not closed: expected '\"' before the end of the file") }
        if let replacement = simple[byte] {
            utf8.append(replacement)
            index += 1
            return
        }
        guard byte == UInt8(ascii: "u") else {
            throw fail("unknown escape '\\\(found.trimmingQuotes)': escapes are \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX")
        }
        let start = index - 1
        index += 1
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            // A high surrogate: its low half must follow as a second escape.
            guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("a \\u escape of a high surrogate is not followed by its low surrogate", at: start)
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("a \\u escape of a high surrogate is not followed by its low surrogate", at: start)
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else {
            throw fail("a \\u escape of a lone low surrogate is not a character", at: start)
        }
        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigit(byte) else {
                throw fail("expected four hex digits after \\u, found \(found)")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

extension String {
    /// The string without the single quotes ``JSONTextReader``'s `found` puts around a character.
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
