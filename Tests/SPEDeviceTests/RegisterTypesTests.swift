import Testing
@testable import SPEDevice

/// Each register type's typed properties read and write exactly their bits.
@Suite struct RegisterTypesTests {
    @Test func pmbsrFieldsSitAtTheirBits() {
        var sr = PMBSR_EL1(rawValue: 0)
        sr.S = true
        #expect(sr.rawValue == 1 << 17)
        sr = PMBSR_EL1(rawValue: 0)
        sr.COLL = true
        #expect(sr.rawValue == 1 << 16)
        sr = PMBSR_EL1(rawValue: 0)
        sr.EA = true
        #expect(sr.rawValue == 1 << 18)
        sr = PMBSR_EL1(rawValue: 0)
        sr.DL = true
        #expect(sr.rawValue == 1 << 19)
        sr = PMBSR_EL1(rawValue: 0)
        sr.EC = .stage2DataAbort
        #expect(sr.rawValue == 0b100101 << 26)
        sr = PMBSR_EL1(rawValue: 0)
        sr.MSS = 0xFFFF
        #expect(sr.rawValue == 0xFFFF)
        sr = PMBSR_EL1(rawValue: 0)
        sr.MSS2 = 0xFF_FFFF
        #expect(sr.rawValue == 0x00FF_FFFF_0000_0000)
    }

    @Test func pmbsrReadsEachFieldFromAllOnes() {
        let sr = PMBSR_EL1(rawValue: ~0)
        #expect(sr.S && sr.COLL && sr.EA && sr.DL)
        #expect(sr.EC.rawValue == 0b111111)
        #expect(sr.MSS == 0xFFFF)
        #expect(sr.MSS2 == 0xFF_FFFF)
    }

    @Test func pmbsrFieldWriteLeavesOtherBitsAlone() {
        var sr = PMBSR_EL1(rawValue: ~0)
        sr.S = false
        #expect(sr.rawValue == ~UInt64(1 << 17))
        sr.EC = .other
        #expect(sr.rawValue == ~UInt64(1 << 17) & ~(UInt64(0b111111) << 26))
        sr.MSS = 0x10
        #expect(sr.MSS == 0x10)
        #expect(sr.rawValue & 0xFFFF == 0x10)
    }

    @Test func pmbsrDescriptionPrintsNameAndSixteenHexDigits() {
        var sr = PMBSR_EL1(rawValue: 0)
        sr.S = true
        sr.MSS = UInt64(BufferStatusCode.bufferFilled.rawValue)
        #expect(sr.description == "PMBSR_EL1=0x0000000000020001")
        #expect(PMBLIMITR_EL1(rawValue: 0xFFFF_FFFF_FFFF_FFFF).description == "PMBLIMITR_EL1=0xffffffffffffffff")
    }

    @Test func pmblimitrFields() {
        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.LIMIT = 0xF_FFFF_FFFF_FFFF
        #expect(limit.rawValue == 0xFFFF_FFFF_FFFF_F000)
        limit = PMBLIMITR_EL1(rawValue: 0)
        limit.FM = .discard
        #expect(limit.rawValue == 0b100)
        limit.E = true
        #expect(limit.rawValue == 0b101)
        limit.PMFZ = true
        #expect(limit.rawValue == 0b10_0101)
        limit.nVM = true
        #expect(limit.rawValue == 0b1010_0101)
        let read = PMBLIMITR_EL1(rawValue: 0x1234_5000 | 0b11)
        #expect(read.LIMIT == 0x12345)
        #expect(read.FM == BufferFillMode(rawValue: 0b01))
        #expect(read.E)
        #expect(!read.PMFZ && !read.nVM)
    }

    @Test func pmbptrIsAllSixtyFourBits() {
        var ptr = PMBPTR_EL1(rawValue: 0)
        ptr.PTR = 0xDEAD_BEEF_CAFE_F00D
        #expect(ptr.rawValue == 0xDEAD_BEEF_CAFE_F00D)
        #expect(PMBPTR_EL1(masking: ~0).rawValue == ~0)
    }

    @Test func pmbidrFields() {
        var id = PMBIDR_EL1(rawValue: 0)
        id.MaxBuffSize = 0xFFFF
        #expect(id.rawValue == 0x0000_FFFF_0000_0000)
        id = PMBIDR_EL1(rawValue: 0)
        id.EA = 0xF
        #expect(id.rawValue == 0xF00)
        id = PMBIDR_EL1(rawValue: 0)
        id.F = true
        #expect(id.rawValue == 0x20)
        id = PMBIDR_EL1(rawValue: 0)
        id.P = true
        #expect(id.rawValue == 0x10)
        id = PMBIDR_EL1(rawValue: 0)
        id.Align = 6
        #expect(id.rawValue == 6)
    }

    @Test func pmsidrFields() {
        let expected: [(WritableKeyPath<PMSIDR_EL1, Bool>, UInt64)] = [
            (\.FE, 1 << 0), (\.FT, 1 << 1), (\.FL, 1 << 2), (\.ArchInst, 1 << 3), (\.LDS, 1 << 4),
            (\.ERnd, 1 << 5), (\.FnE, 1 << 6),
        ]
        for (path, raw) in expected {
            var id = PMSIDR_EL1(rawValue: 0)
            id[keyPath: path] = true
            #expect(id.rawValue == raw)
        }
        var id = PMSIDR_EL1(rawValue: 0)
        id.Interval = 0xF
        #expect(id.rawValue == 0xF00)
        id = PMSIDR_EL1(rawValue: 0)
        id.MaxSize = 0xF
        #expect(id.rawValue == 0xF000)
        id = PMSIDR_EL1(rawValue: 0)
        id.CountSize = 0xF
        #expect(id.rawValue == 0xF_0000)
        id = PMSIDR_EL1(rawValue: 0)
        id.Format = 0xF
        #expect(id.rawValue == 0xF0_0000)
    }

    @Test func pmscrEL1Fields() {
        let expected: [(WritableKeyPath<PMSCR_EL1, Bool>, UInt64)] = [
            (\.E0SPE, 1), (\.E1SPE, 2), (\.CX, 8), (\.PA, 0x10), (\.TS, 0x20),
        ]
        for (path, raw) in expected {
            var scr = PMSCR_EL1(rawValue: 0)
            scr[keyPath: path] = true
            #expect(scr.rawValue == raw)
        }
        var scr = PMSCR_EL1(rawValue: 0)
        scr.PCT = 3
        #expect(scr.rawValue == 0xC0)
    }

    @Test func pmscrEL2Fields() {
        let expected: [(WritableKeyPath<PMSCR_EL2, Bool>, UInt64)] = [
            (\.E0HSPE, 1), (\.E2SPE, 2), (\.CX, 8), (\.PA, 0x10), (\.TS, 0x20),
        ]
        for (path, raw) in expected {
            var scr = PMSCR_EL2(rawValue: 0)
            scr[keyPath: path] = true
            #expect(scr.rawValue == raw)
        }
        var scr = PMSCR_EL2(rawValue: 0)
        scr.PCT = 3
        #expect(scr.rawValue == 0xC0)
    }

    @Test func pmsfcrFields() {
        let expected: [(WritableKeyPath<PMSFCR_EL1, Bool>, UInt64)] = [
            (\.FE, 1), (\.FT, 2), (\.FL, 4), (\.FnE, 8), (\.B, 1 << 16), (\.LD, 1 << 17), (\.ST, 1 << 18),
        ]
        for (path, raw) in expected {
            var fcr = PMSFCR_EL1(rawValue: 0)
            fcr[keyPath: path] = true
            #expect(fcr.rawValue == raw)
            #expect(PMSFCR_EL1(rawValue: raw)[keyPath: path])
        }
    }

    @Test func pmsicrPmsirrPmslatfrFields() {
        var icr = PMSICR_EL1(rawValue: 0)
        icr.COUNT = 0xFFFF_FFFF
        #expect(icr.rawValue == 0xFFFF_FFFF)
        var irr = PMSIRR_EL1(rawValue: 0)
        irr.INTERVAL = 0xFF_FFFF
        #expect(irr.rawValue == 0xFFFF_FF00)
        irr = PMSIRR_EL1(rawValue: 0)
        irr.RND = true
        #expect(irr.rawValue == 1)
        #expect(PMSIRR_EL1(rawValue: 0x1000).INTERVAL == 0x10)
        var lat = PMSLATFR_EL1(rawValue: 0)
        lat.MINLAT = 0xFFFF
        #expect(lat.rawValue == 0xFFFF)
    }

    @Test func eventFilterBitsAreOnePerEvent() {
        for bit in 0...9 {
            #expect(PMSEVFR_EL1(rawValue: 1 << UInt64(bit))[bit: bit])
            #expect(PMSNEVFR_EL1(rawValue: 1 << UInt64(bit))[bit: bit])
        }
        var ev = PMSEVFR_EL1(rawValue: 0)
        ev.E9 = true
        ev.E0 = true
        #expect(ev.rawValue == 0x201)
        var nev = PMSNEVFR_EL1(rawValue: 0)
        nev.E3 = true
        #expect(nev.rawValue == 0x8)
    }

    @Test func mdcrAndIDRegisterFields() {
        var mdcr = MDCR_EL2(rawValue: 0)
        mdcr.TPMS = true
        #expect(mdcr.rawValue == 1 << 14)
        mdcr = MDCR_EL2(rawValue: 0)
        mdcr.E2PB = .el1Trapped
        #expect(mdcr.rawValue == 0b10 << 12)
        #expect(MDCR_EL2(rawValue: 0).with(E2PB: .el1).rawValue == 0b11 << 12)
        #expect(ID_AA64DFR0_EL1(rawValue: 0).with(PMSVer: .v1p2).rawValue == 3 << 32)
        #expect(ID_AA64DFR0_EL1(rawValue: 0xF << 32).PMSVer == PMSVersion(rawValue: 0xF))
    }

    @Test(arguments: [
        (SPERegisterID.PMBSR_EL1, UInt64(0x00FF_FFFF_FC0F_FFFF)),
        (.PMBLIMITR_EL1, 0xFFFF_FFFF_FFFF_F0A7),
        (.PMBPTR_EL1, 0xFFFF_FFFF_FFFF_FFFF),
        (.PMBIDR_EL1, 0x0000_FFFF_0000_0F3F),
        (.PMSIDR_EL1, 0x0000_0000_00FF_FF7F),
        (.PMSCR_EL1, 0xFB),
        (.PMSCR_EL2, 0xFB),
        (.PMSICR_EL1, 0xFFFF_FFFF),
        (.PMSIRR_EL1, 0xFFFF_FF01),
        (.PMSFCR_EL1, 0x7_000F),
        (.PMSEVFR_EL1, 0x3FF),
        (.PMSNEVFR_EL1, 0x3FF),
        (.PMSLATFR_EL1, 0xFFFF),
        (.MDCR_EL2, 0x7000),
        (.ID_AA64DFR0_EL1, 0xF_0000_0000),
    ])
    func maskingClearsExactlyTheRES0Bits(register: SPERegisterID, kept: UInt64) {
        #expect(register.spec.res0Mask == ~kept)
        #expect(Self.masked(register, ~0) == kept)
        #expect(Self.masked(register, 0) == 0)
    }

    static func masked(_ id: SPERegisterID, _ raw: UInt64) -> UInt64 {
        switch id {
        case .PMBSR_EL1: PMBSR_EL1(masking: raw).rawValue
        case .PMBLIMITR_EL1: PMBLIMITR_EL1(masking: raw).rawValue
        case .PMBPTR_EL1: PMBPTR_EL1(masking: raw).rawValue
        case .PMBIDR_EL1: PMBIDR_EL1(masking: raw).rawValue
        case .PMSIDR_EL1: PMSIDR_EL1(masking: raw).rawValue
        case .PMSCR_EL1: PMSCR_EL1(masking: raw).rawValue
        case .PMSCR_EL2: PMSCR_EL2(masking: raw).rawValue
        case .PMSICR_EL1: PMSICR_EL1(masking: raw).rawValue
        case .PMSIRR_EL1: PMSIRR_EL1(masking: raw).rawValue
        case .PMSFCR_EL1: PMSFCR_EL1(masking: raw).rawValue
        case .PMSEVFR_EL1: PMSEVFR_EL1(masking: raw).rawValue
        case .PMSNEVFR_EL1: PMSNEVFR_EL1(masking: raw).rawValue
        case .PMSLATFR_EL1: PMSLATFR_EL1(masking: raw).rawValue
        case .MDCR_EL2: MDCR_EL2(masking: raw).rawValue
        case .ID_AA64DFR0_EL1: ID_AA64DFR0_EL1(masking: raw).rawValue
        }
    }

    @Test func encodedFieldsKeepReservedValues() {
        let reserved = BufferExceptionClass(rawValue: 0b000111)
        var sr = PMBSR_EL1(rawValue: 0)
        sr.EC = reserved
        #expect(sr.rawValue == 0b000111 << 26)
        #expect(sr.EC == reserved)
        #expect(sr.EC.rawValue == 0b000111)
        #expect(sr.EC.description == "reserved(0b111)")
        #expect(!sr.EC.isArchitected)
        #expect(BufferExceptionClass.stage1DataAbort.description == "stage1DataAbort")
        #expect(BufferExceptionClass.stage1DataAbort.isArchitected)

        var limit = PMBLIMITR_EL1(rawValue: 0)
        limit.FM = BufferFillMode(rawValue: 0b11)
        #expect(limit.FM.rawValue == 0b11)
        #expect(limit.FM.description == "reserved(0b11)")
        #expect(BufferFillMode.discard.description == "discard")

        var mdcr = MDCR_EL2(rawValue: 0)
        mdcr.E2PB = BufferOwner(rawValue: 0b01)
        #expect(mdcr.E2PB.description == "reserved(0b1)")
        #expect(mdcr.rawValue == 0b01 << 12)

        #expect(BufferStatusCode(rawValue: 0b000010).description == "reserved(0b10)")
        #expect(BufferStatusCode.bufferTooLarge.description == "bufferTooLarge")
        #expect(PMSVersion(rawValue: 0b0111).description == "reserved(0b111)")
        #expect(PMSVersion.v1p2.description == "v1p2")
    }

    @Test func faultStatusCodes() {
        #expect(FaultStatusCode.translationFault.rawValue == 0b000111)
        #expect(FaultStatusCode.translation(level: 0).rawValue == 0b000100)
        #expect(FaultStatusCode.accessFlag(level: 2).rawValue == 0b001010)
        #expect(FaultStatusCode.permission(level: 1).rawValue == 0b001101)
        #expect(FaultStatusCode.synchronousExternalAbort.rawValue == 0x10)
        #expect(FaultStatusCode.translationFault.description == "translationL3")
        #expect(FaultStatusCode(rawValue: 0b111111).description == "reserved(0b111111)")
    }
}
