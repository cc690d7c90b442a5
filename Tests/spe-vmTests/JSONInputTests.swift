import Testing

@testable import spe_vm

@Suite struct JSONInputTests {
    @Test("a document with every kind of value, numbers as written, members in order")
    func values() throws {
        let text = #"{"b": [1, -2.5e3, 18446744073709551616], "a": {"t": true, "f": false, "n": null}, "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#
        let expected = JSONInput.object([
            .init(key: "b", value: .array([.number("1"), .number("-2.5e3"), .number("18446744073709551616")])),
            .init(key: "a", value: .object([.init(key: "t", value: .bool(true)), .init(key: "f", value: .bool(false)), .init(key: "n", value: .null)])),
            .init(key: "s", value: .string("x\"\\/\u{8}\u{c}\n\r\té😀")),
        ])
        #expect(try JSONInput.parse(text) == expected)
        #expect(try JSONInput.parse("\u{FEFF} [ ] ") == .array([]))
        #expect(try JSONInput.parse("\n{}\n") == .object([]))
    }

    /// Text, and the line, column and message of its first mistake.
    static let mistakes: [(String, Int, Int, String)] = [
        ("", 1, 1, "expected a value (an object, array, string, number, true, false or null), found the end of the file"),
        ("{\"a\": 1,\n \"b\": tru}", 2, 7, "expected a value, found 'tru' (true, false and null are lowercase words; strings need double quotes)"),
        ("{\"a\": [1, 2,]}", 1, 13, "expected a value (an object, array, string, number, true, false or null), found ']'"),
        ("{\"a\": 1,}", 1, 9, "expected a key (a string in double quotes), found '}'"),
        ("{\"a\": 1", 1, 8, "expected ',' or '}' after the value of 'a', found the end of the file"),
        ("{\"a\" 1}", 1, 6, "expected ':' after the key 'a', found '1'"),
        ("{a: 1}", 1, 2, "expected a key (a string in double quotes), found 'a'"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "the key 'a' is given twice: give each key once"),
        ("[1 2]", 1, 4, "expected ',' or ']' after an element of an array, found '2'"),
        ("[01]", 1, 2, "a number does not start with 0 (no octal, no leading zeros)"),
        ("[-]", 1, 3, "expected a digit after '-', found ']'"),
        ("[1.]", 1, 4, "expected a digit after the decimal point, found ']'"),
        ("[1e]", 1, 4, "expected a digit in the exponent, found ']'"),
        ("[\"a\nb\"]", 1, 4, "a control character inside a string: write it as an escape (\\n, \\t, \\u00XX)"),
        ("[\"a", 1, 4, "a string is not closed: expected '\"' before the end of the file"),
        ("[\"\\x\"]", 1, 4, "unknown escape '\\x': escapes are \\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\uXXXX"),
        ("[\"\\u12\"]", 1, 7, "expected four hex digits after \\u, found '\"'"),
        ("[\"\\ud800\"]", 1, 3, "a \\u escape of a high surrogate is not followed by its low surrogate"),
        ("[\"\\udc00\"]", 1, 3, "a \\u escape of a lone low surrogate is not a character"),
        ("{} {}", 1, 4, "expected the end of the file after the value, found '{'"),
        ("[\"é\", ü]", 1, 7, "expected a value (an object, array, string, number, true, false or null), found 'ü'"),
        (String(repeating: "[", count: 65), 1, 65, "arrays and objects nest deeper than 64 levels"),
    ]

    @Test("a mistake is reported at its line and column", arguments: mistakes)
    func mistake(text: String, line: Int, column: Int, message: String) {
        #expect(throws: ToolError.jsonSyntax(line: line, column: column, message: message)) { try JSONInput.parse(text) }
    }

    @Test("64 levels of nesting are read; deep garbage never overflows the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONInput.parse(deep)
        #expect(throws: ToolError.self) { try JSONInput.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: ToolError.self) { try JSONInput.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test("values as messages show them")
    func shown() {
        #expect(JSONInput.string("fast").shown == "\"fast\"")
        #expect(JSONInput.number("-3").shown == "-3")
        #expect(JSONInput.array([]).shown == "an array")
        #expect(JSONInput.object([]).shown == "an object")
        #expect(JSONInput.string(String(repeating: "x", count: 70)).shown == "\"" + String(repeating: "x", count: 60) + "…\"")
    }
}
