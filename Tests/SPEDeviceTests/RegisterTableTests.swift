import Testing
@testable import SPEDevice

/// The one register table: sound layouts, unique names and encodings, SPE.md §2's encodings.
@Suite struct RegisterTableTests {
    @Test func tableHasNoProblems() {
        #expect(RegisterTable.problems == [])
        #expect(RegisterTable.all.count == SPERegisterID.allCases.count)
    }

    /// Computed here bit by bit, independently of `layoutProblems`.
    @Test(arguments: SPERegisterID.allCases)
    func everyBitIsCoveredExactlyOnce(register: SPERegisterID) {
        let spec = register.spec
        for bit in 0...63 {
            let covering = spec.fields.filter { $0.bits.lsb <= bit && bit <= $0.bits.msb }
            #expect(covering.count == 1, "\(spec.name) bit \(bit) is covered by \(covering.map(\.name))")
        }
        let union = spec.fields.reduce(UInt64(0)) { $0 | $1.bits.mask }
        let widths = spec.fields.reduce(0) { $0 + $1.bits.width }
        #expect(union == ~0)
        #expect(widths == 64)
        #expect(spec.layoutProblems == [])
    }

    @Test func namesAndEncodingsAreUnique() {
        let names = RegisterTable.all.map(\.name)
        #expect(Set(names).count == names.count)
        let encodings = RegisterTable.all.map(\.encoding)
        #expect(Set(encodings).count == encodings.count)
        for id in SPERegisterID.allCases {
            #expect(id.name == id.spec.name)
            #expect(RegisterTable.entry(encoding: id.spec.encoding) == id)
            #expect(SPERegisterID(name: id.name.lowercased()) == id)
        }
        #expect(SPERegisterID(name: "PMBFOO_EL1") == nil)
    }

    /// SPE.md §2's list, written out.
    static let speMDEncodings: [(String, SystemRegisterEncoding)] = [
        ("PMSCR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 0)),
        ("PMSNEVFR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 1)),
        ("PMSICR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 2)),
        ("PMSIRR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 3)),
        ("PMSFCR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 4)),
        ("PMSEVFR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 5)),
        ("PMSLATFR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 6)),
        ("PMSIDR_EL1", SystemRegisterEncoding(3, 0, 9, 9, 7)),
        ("PMBLIMITR_EL1", SystemRegisterEncoding(3, 0, 9, 10, 0)),
        ("PMBPTR_EL1", SystemRegisterEncoding(3, 0, 9, 10, 1)),
        ("PMBSR_EL1", SystemRegisterEncoding(3, 0, 9, 10, 3)),
        ("PMBIDR_EL1", SystemRegisterEncoding(3, 0, 9, 10, 7)),
    ]

    @Test func encodingsMatchTheReference() throws {
        for (name, encoding) in Self.speMDEncodings {
            let id = try #require(SPERegisterID(name: name))
            #expect(id.spec.encoding == encoding, "\(name)")
        }
        // Every EL1 SPE register of the table is in the list (the others are EL2/ID registers).
        let listed = Set(Self.speMDEncodings.map(\.0))
        let tableSPE = RegisterTable.all.map(\.name).filter { $0.hasPrefix("PMS") || $0.hasPrefix("PMB") }
        #expect(Set(tableSPE) == listed.union(["PMSCR_EL2"]))
        #expect(SPERegisterID.PMSCR_EL2.spec.encoding == SystemRegisterEncoding(3, 4, 9, 9, 0))
        #expect(SPERegisterID.PMBSR_EL1.spec.encoding.description == "S3_0_C9_C10_3")
    }

    @Test func readOnlyRegisters() {
        let readOnly = SPERegisterID.allCases.filter { $0.spec.access == .readOnly }
        #expect(readOnly == [.PMSIDR_EL1, .PMBIDR_EL1, .ID_AA64DFR0_EL1])
    }

    @Test func overlappingFieldsAreReported() {
        let spec = RegisterSpec(
            name: "TEST_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite,
            fields: [.res0(63, 8), .field("A", BitField(8, 4)), .field("B", BitField(3, 0))])
        #expect(spec.layoutProblems == ["TEST_EL1.A[8:4] overlaps the field above it"])
    }

    @Test func gapsAreReported() {
        let spec = RegisterSpec(
            name: "TEST_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite,
            fields: [.res0(63, 8), .field("A", BitField(5, 4)), .field("B", BitField(3, 1))])
        #expect(spec.layoutProblems == [
            "TEST_EL1: bits [7:6] are neither a field nor RES0",
            "TEST_EL1: bits [0:0] are neither a field nor RES0",
        ])
    }

    @Test func encodingThatDoesNotFitIsReported() {
        let spec = RegisterSpec(
            name: "TEST_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite,
            fields: [
                .res0(63, 2),
                .field("M", BitField(1, 0), encodings: [NamedEncoding(3, "three"), NamedEncoding(4, "four")]),
            ])
        #expect(spec.layoutProblems == ["TEST_EL1.M: encoding four does not fit 2 bits"])
    }

    @Test func resetSettingRES0IsReported() {
        let spec = RegisterSpec(
            name: "TEST_EL1", encoding: SystemRegisterEncoding(3, 0, 9, 9, 0), access: .readWrite, reset: 0x100,
            fields: [.res0(63, 8), .field("A", BitField(7, 0))])
        #expect(spec.layoutProblems == ["TEST_EL1: reset value sets RES0 bits"])
        #expect(spec.res0Mask == 0xFFFF_FFFF_FFFF_FF00)
    }
}
