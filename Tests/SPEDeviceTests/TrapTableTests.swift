import Testing
@testable import SPEDevice

/// How a guest's register access is routed, and KVM's table of trapped registers.
@Suite struct TrapTableTests {
    static let five: [SPERegisterID] = [.PMBLIMITR_EL1, .PMBPTR_EL1, .PMBSR_EL1, .PMBIDR_EL1, .PMSIDR_EL1]
    static let seven: [SPERegisterID] = [
        .PMSCR_EL1, .PMSNEVFR_EL1, .PMSICR_EL1, .PMSIRR_EL1, .PMSFCR_EL1, .PMSEVFR_EL1, .PMSLATFR_EL1,
    ]

    static func expectedRoute(_ id: SPERegisterID, hasSPE: Bool) -> AccessRoute {
        if id == .PMSCR_EL2 || id == .MDCR_EL2 { return .undefined }
        if five.contains(id) || id == .ID_AA64DFR0_EL1 { return .trapped }
        #expect(seven.contains(id))
        return hasSPE ? .direct : .trapped
    }

    @Test(arguments: SPERegisterID.allCases, [true, false])
    func routeOfEveryRegister(register: SPERegisterID, hasSPE: Bool) {
        #expect(AccessRoute.of(register, vmHasSPE: hasSPE) == Self.expectedRoute(register, hasSPE: hasSPE))
    }

    @Test func registerClassification() {
        #expect(SPERegisterID.allCases.filter(\.isTrappedForSPEGuest) == [.PMSIDR_EL1] + [.PMBLIMITR_EL1, .PMBPTR_EL1, .PMBSR_EL1, .PMBIDR_EL1])
        #expect(SPERegisterID.allCases.filter(\.isSamplingControl) == Self.seven)
        #expect(SPERegisterID.allCases.filter { !$0.isAccessibleFromEL1 } == [.PMSCR_EL2, .MDCR_EL2])
    }

    @Test func speGuestTableIsSoundAndSorted() {
        let table = TrapTable.speGuest
        #expect(table.problems == [])
        for (a, b) in zip(table.entries, table.entries.dropFirst()) { #expect(a.encoding < b.encoding) }
        #expect(table.entries.map(\.register) == [.ID_AA64DFR0_EL1, .PMSIDR_EL1, .PMBLIMITR_EL1, .PMBPTR_EL1, .PMBSR_EL1, .PMBIDR_EL1])
        #expect(table.entries.filter { $0.write == nil }.map(\.register) == [.ID_AA64DFR0_EL1, .PMSIDR_EL1, .PMBIDR_EL1])
        #expect(TrapTable.noSPEGuest.problems == [])
        for entry in table.entries { #expect(table.entry(for: entry.encoding)?.register == entry.register) }
    }

    @Test func brokenTablesReportTheirProblems() throws {
        let sr = try #require(TrapTable.speGuest.entry(for: SPERegisterID.PMBSR_EL1.spec.encoding))
        let duplicate = TrapTable([sr, sr])
        #expect(duplicate.problems == ["PMBSR_EL1 and PMBSR_EL1 are not in strictly increasing encoding order"])
        let direct = TrapEntry(register: .PMSCR_EL1, read: { _, _, _ in 0 }, write: nil, reset: 0)
        #expect(TrapTable([direct, sr]).problems == ["PMSCR_EL1 is not a trapped register"])
        let badReset = TrapEntry(register: .PMBSR_EL1, read: { _, _, _ in 0 }, write: nil, reset: 1 << 63)
        #expect(TrapTable([badReset]).problems == ["PMBSR_EL1 reset sets RES0 bits"])
    }

    /// A context with SPE attributes set, and its environment.
    static func guest(hidden: [PMSIDRFeature] = [], maxBufferSize: UInt64 = 0, hasSPE: Bool = true) throws
        -> (VCPUSPEContext, KVMEnvironment)
    {
        let vm = SPEVM(index: 0, configuration: SPEVMConfiguration(hasSPE: hasSPE, hiddenFeatures: hidden))
        var context = VCPUSPEContext(id: VCPUID(vm: 0, index: 0))
        if hasSPE { try context.spe.setMaxBufferSize(maxBufferSize, vcpu: context.id, vm: vm) }
        return (context, KVMEnvironment(vm: vm))
    }

    static func access(_ table: TrapTable, _ id: SPERegisterID, write: UInt64? = nil, _ context: inout VCPUSPEContext,
        _ env: KVMEnvironment) -> TrapOutcome
    {
        var events: [SPEEvent] = []
        return table.handle(id.spec.encoding, write: write, context: &context, env: env, events: &events)
    }

    @Test func unknownEncodingsAndReadOnlyWritesAreUndefined() throws {
        var (context, env) = try Self.guest()
        let table = TrapTable.speGuest
        var events: [SPEEvent] = []
        #expect(table.handle(SystemRegisterEncoding(3, 0, 9, 10, 2), write: nil, context: &context, env: env, events: &events) == .undefined)
        #expect(table.handle(SystemRegisterEncoding(3, 0, 9, 10, 2), write: 1, context: &context, env: env, events: &events) == .undefined)
        for id in [SPERegisterID.PMSIDR_EL1, .PMBIDR_EL1, .ID_AA64DFR0_EL1] {
            #expect(Self.access(table, id, write: 0, &context, env) == .undefined)
        }
        #expect(Self.access(table, .PMSCR_EL1, &context, env) == .undefined)
        #expect(context.spe.counters.trappedWrites == 0)
        #expect(context.spe.counters.trappedReads == 0)
    }

    @Test func noSPEGuestTableMakesEverySPERegisterUndefined() throws {
        var (context, env) = try Self.guest(hasSPE: false)
        for id in SPERegisterID.allCases where id != .ID_AA64DFR0_EL1 {
            #expect(Self.access(.noSPEGuest, id, &context, env) == .undefined, "\(id)")
            #expect(Self.access(.noSPEGuest, id, write: 1, &context, env) == .undefined, "\(id)")
        }
        #expect(Self.access(.noSPEGuest, .ID_AA64DFR0_EL1, &context, env) == .read(0))
        #expect(TrapTable.forVM(hasSPE: false).entries.map(\.register) == [.ID_AA64DFR0_EL1])
    }

    @Test func speGuestSeesPMSVerV1p2() throws {
        var (context, env) = try Self.guest()
        #expect(Self.access(.speGuest, .ID_AA64DFR0_EL1, &context, env) == .read(3 << 32))
        #expect(ID_AA64DFR0_EL1(rawValue: 3 << 32).PMSVer == .v1p2)
    }

    static let sizes: [(UInt64, UInt64)] = [(0, 0), (8192, 2), (4 * 1024 * 1024, 0x400)]

    @Test(arguments: sizes)
    func pmbidrShowsTheMaxBufferSizeAndPZero(bytes: UInt64, field: UInt64) throws {
        var (context, env) = try Self.guest(maxBufferSize: bytes)
        let outcome = Self.access(.speGuest, .PMBIDR_EL1, &context, env)
        #expect(outcome == .read(field << 32 | 0x26))
        guard case .read(let raw) = outcome else { return }
        let value = PMBIDR_EL1(rawValue: raw)
        #expect(value.MaxBuffSize == field)
        #expect(!value.P)
        #expect(value.Align == 6)
        #expect(value.F)
        #expect(context.spe.counters.trappedReads == 1)
    }

    @Test func pmsidrHidesTheHiddenFeaturesOnly() throws {
        var (context, env) = try Self.guest(hidden: [.FnE])
        #expect(Self.access(.speGuest, .PMSIDR_EL1, &context, env) == .read(0x2_6007))
        var (all, envAll) = try Self.guest()
        #expect(Self.access(.speGuest, .PMSIDR_EL1, &all, envAll) == .read(0x2_6047))
        var (two, envTwo) = try Self.guest(hidden: [.FE, .FL])
        guard case .read(let raw) = Self.access(.speGuest, .PMSIDR_EL1, &two, envTwo) else {
            Issue.record("PMSIDR_EL1 read was not a read")
            return
        }
        let sidr = PMSIDR_EL1(rawValue: raw)
        #expect(!sidr.FE && !sidr.FL)
        #expect(sidr.FT && sidr.FnE)
        #expect(sidr.MaxSize == 6 && sidr.CountSize == 2 && sidr.Interval == 0)
    }

    @Test func trappedBufferRegisterWritesReachMemory() throws {
        var (context, env) = try Self.guest()
        #expect(Self.access(.speGuest, .PMBPTR_EL1, write: 0x4000, &context, env) == .written)
        #expect(Self.access(.speGuest, .PMBSR_EL1, write: 0xFF00_0000_0000_0000 | 0x10, &context, env) == .written)
        #expect(Self.access(.speGuest, .PMBLIMITR_EL1, write: 0x8000 | 0x80, &context, env) == .written)
        #expect(context.spe.memory.PMBPTR.PTR == 0x4000)
        #expect(context.spe.memory.PMBSR.rawValue == 0x10)  // RES0 cleared
        #expect(context.spe.memory.PMBLIMITR.rawValue == 0x8000)  // nVM is RES0 for a guest
        #expect(Self.access(.speGuest, .PMBPTR_EL1, &context, env) == .read(0x4000))
        #expect(context.spe.counters.trappedWrites == 3)
    }
}
