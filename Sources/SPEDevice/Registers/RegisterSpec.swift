/// One named value of an encoded field, as the Arm ARM lists it.
public struct NamedEncoding: Hashable, Sendable {
    public let value: UInt64
    public let name: String
    public init(_ value: UInt64, _ name: String) {
        self.value = value
        self.name = name
    }
}

/// One field of a register's layout: a named field or a run of RES0 bits.
public struct FieldSpec: Hashable, Sendable {
    /// What the bits are.
    public enum Kind: Hashable, Sendable {
        /// A field with an architectural name.
        case field
        /// Reserved, reads as zero; writes are ignored by the model.
        case res0
    }

    public let name: String
    public let bits: BitField
    public let kind: Kind
    /// A short description for people reading the table.
    public let summary: String
    /// Named values, for encoded fields.
    public let encodings: [NamedEncoding]

    /// A named field.
    public static func field(
        _ name: String, _ bits: BitField, _ summary: String = "", encodings: [NamedEncoding] = []
    ) -> FieldSpec {
        FieldSpec(name: name, bits: bits, kind: .field, summary: summary, encodings: encodings)
    }

    /// RES0 bits `[msb:lsb]`.
    public static func res0(_ msb: Int, _ lsb: Int) -> FieldSpec {
        FieldSpec(name: "RES0", bits: BitField(msb, lsb), kind: .res0, summary: "", encodings: [])
    }
}

/// Everything the model knows about one system register: its name (architectural spelling),
/// encoding, access, fields from bit 63 down, and reset value.
public struct RegisterSpec: Hashable, Sendable {
    /// Whether software may write the register.
    public enum Access: String, Hashable, Sendable {
        case readWrite = "RW"
        case readOnly = "RO"
    }

    public let name: String
    public let encoding: SystemRegisterEncoding
    public let access: Access
    /// The layout from bit 63 down to bit 0.
    public let fields: [FieldSpec]
    public let reset: UInt64
    /// The RES0 bits.
    public let res0Mask: UInt64

    public init(
        name: String, encoding: SystemRegisterEncoding, access: Access, reset: UInt64 = 0, fields: [FieldSpec]
    ) {
        self.name = name
        self.encoding = encoding
        self.access = access
        self.fields = fields
        self.reset = reset
        self.res0Mask = fields.filter { $0.kind == .res0 }.reduce(0) { $0 | $1.bits.mask }
    }

    /// The named field called `name`, if any.
    public func field(named name: String) -> FieldSpec? { fields.first { $0.kind == .field && $0.name == name } }

    /// The layout's defects: fields not in order from bit 63 down, overlaps, gaps. Empty when sound.
    public var layoutProblems: [String] {
        var problems: [String] = []
        var expectedMSB = 63
        for field in fields {
            if field.bits.msb > expectedMSB {
                problems.append("\(name).\(field.name)\(field.bits) overlaps the field above it")
            } else if field.bits.msb < expectedMSB {
                problems.append("\(name): bits [\(expectedMSB):\(field.bits.msb + 1)] are neither a field nor RES0")
            }
            expectedMSB = field.bits.lsb - 1
            for encoding in field.encodings where encoding.value > field.bits.maxValue {
                problems.append("\(name).\(field.name): encoding \(encoding.name) does not fit \(field.bits.width) bits")
            }
        }
        if expectedMSB != -1 {
            problems.append("\(name): bits [\(expectedMSB):0] are neither a field nor RES0")
        }
        if reset & res0Mask != 0 { problems.append("\(name): reset value sets RES0 bits") }
        return problems
    }
}
