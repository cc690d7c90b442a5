import SPEDevice

/// `spe-vm registers`: the model's register table, from SPEDevice's ``RegisterTable``.
enum RegistersCommand {
    static let spec = CommandSpec(
        name: "registers", summary: "print the register table: encodings, access, fields and named values",
        details: [
            "Per register: its name, its encoding (S<op0>_<op1>_C<CRn>_C<CRm>_<op2>), RW or RO, then its",
            "fields from bit 63 down ([31:26] EC  Event class), RES0 runs as [63:56] RES0, and the",
            "named encodings of a field indented under it.",
        ],
        options: [.flag("json", "print the table as JSON")],
        action: { options in
            Console.out(options.isSet("json") ? json(RegisterTable.all).rendered : text(RegisterTable.all))
            return .success
        })

    /// The table as text, registers separated by a blank line.
    static func text(_ registers: [RegisterSpec]) -> String {
        registers.map { register in
            var lines = ["\(register.name)  \(register.encoding)  \(register.access.rawValue)"]
            for field in register.fields {
                switch field.kind {
                case .res0:
                    lines.append("  \(field.bits) RES0")
                case .field:
                    let summary = field.summary.isEmpty ? "" : "  \(field.summary)"
                    lines.append("  \(field.bits) \(field.name)\(summary)")
                    for encoding in field.encodings {
                        lines.append("      \(literal(encoding.value, width: field.bits.width))  \(encoding.name)")
                    }
                }
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// The table as JSON: an array of registers, fields in table order.
    static func json(_ registers: [RegisterSpec]) -> JSONValue {
        .array(registers.map { register in
            .object([
                "name": .string(register.name),
                "encoding": .string(register.encoding.description),
                "access": .string(register.access.rawValue),
                "reset": .string(hex(register.reset)),
                "fields": .array(register.fields.map { field in
                    .object([
                        "name": .string(field.name),
                        "bits": .string(field.bits.description),
                        "msb": .integer(UInt64(field.bits.msb)),
                        "lsb": .integer(UInt64(field.bits.lsb)),
                        "kind": .string(field.kind == .res0 ? "res0" : "field"),
                        "summary": .string(field.summary),
                        "encodings": .array(field.encodings.map { encoding in
                            .object([
                                "value": .integer(encoding.value),
                                "literal": .string(literal(encoding.value, width: field.bits.width)),
                                "name": .string(encoding.name),
                            ])
                        }),
                    ])
                }),
            ])
        })
    }

    /// A field value as the Arm ARM writes it: binary with the field's width up to 8 bits, else hex.
    static func literal(_ value: UInt64, width: Int) -> String {
        guard width <= 8 else { return hex(value) }
        let digits = String(value, radix: 2)
        return "0b" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16, uppercase: true) }
}
