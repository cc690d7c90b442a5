import Testing
@testable import SPEDevice

/// Seeded random programs of register writes, runs, mappings and migrations: the model never traps
/// and the checker finds nothing wrong with the correct model.
@Suite struct SPEFuzzTests {
    static let region: UInt64 = 0x10000

    static func base(_ v: Int) -> UInt64 { 0x100_0000 + UInt64(v) * 0x10_0000 }

    /// A value for `id`: fully random now and then, otherwise one a driver might write.
    static func value(for id: SPERegisterID, v: Int, _ rng: inout SplitMix64) -> UInt64 {
        let r = rng.next()
        if r % 8 == 0 { return rng.next() }
        let base = base(v)
        switch id {
        case .PMBPTR_EL1: return base + (rng.next() % region) & ~(r % 3 == 0 ? 0 : 63)
        case .PMBLIMITR_EL1:
            let limit = (base + rng.next() % (region + 0x2000)) & ~0xFFF
            return limit | (r >> 8 & 1) | (r >> 9 & 3 == 0 ? 0b100 : 0)
        case .PMBSR_EL1: return r >> 8 & 1 == 0 ? 0 : r & 0xFFFF_FFFF
        case .PMSIRR_EL1: return (1 + rng.next() % 4) << 8 | (r >> 8 & 1)
        case .PMSICR_EL1: return rng.next() % 2048
        case .PMSCR_EL1: return (r >> 8) & 0xFB | 0b11
        case .PMSFCR_EL1: return (r >> 8) & 0x7_000F
        case .PMSLATFR_EL1: return rng.next() % 64
        default: return r >> 8
        }
    }

    @Test(arguments: 0..<40 as Range<UInt64>)
    func randomProgramsBreakNoRule(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var wb = SPEWorkbench(cpus: 2, seed: seed)
        wb.hostOperationsPerExit = 1 + rng.next() % 3000
        if rng.next() % 2 == 0 { wb.setHostSession(true, cpu: 0) }
        if rng.next() % 2 == 0 { wb.setHostSession(true, cpu: 1) }
        let a = wb.addVM()
        let b = wb.addVM(SPEVMConfiguration(hiddenFeatures: [.FnE]), lockedMemoryLimit: 0x4000)
        let c = wb.addVM(SPEVMConfiguration(hasSPE: false))
        let vcpus = [
            try wb.addVCPU(vm: a), try wb.addVCPU(vm: a), try wb.addVCPU(vm: b, maxBufferSize: 0x8000),
            try wb.addVCPU(vm: c),
        ]
        for v in vcpus { wb.map(v, Self.base(v)..<(Self.base(v) + Self.region)) }
        var ran: UInt64 = 0
        for _ in 0..<80 {
            let v = vcpus[Int(rng.next() % UInt64(vcpus.count))]
            if wb.placement[v] == nil || rng.next() % 8 == 0 {
                try wb.migrate(v, to: Int(rng.next() % 2))
            }
            switch rng.next() % 8 {
            case 0, 1:
                let id = SPERegisterID.allCases[Int(rng.next() % UInt64(SPERegisterID.allCases.count))]
                _ = try wb.access(v, id, write: Self.value(for: id, v: v, &rng))
            case 2:
                let id = SPERegisterID.allCases[Int(rng.next() % UInt64(SPERegisterID.allCases.count))]
                _ = try wb.access(v, id)
            case 3, 4:
                ran += try wb.run(v, operations: rng.next() % 6000, at: UInt8(rng.next() % 2))
            case 5:
                let page = Self.base(v) + (rng.next() % (Self.region / 0x1000)) * 0x1000
                let range = page..<(page + 0x1000 * (1 + rng.next() % 3))
                wb.leaveGuest(v, reason: .preemption)
                switch rng.next() % 3 {
                case 0: wb.map(v, range)
                case 1: wb.unmapStage1(v, range)
                default: wb.unmapStage2(v, range)
                }
            case 6:
                let spe = wb.vcpus[v].spe
                let sane = spe.memory.PMBPTR.PTR >= spe.bufferBase
                    && spe.memory.PMBPTR.PTR - spe.bufferBase <= Self.region + 0x2000
                if wb.vms[wb.vcpus[v].id.vm].hasSPE && spe.virtualLine && sane {
                    _ = try? wb.serviceBuffer(v, restartAt: Self.base(v))
                }
            default:
                wb.leaveGuest(v, reason: .preemption)
            }
        }
        for v in vcpus { wb.put(v) }
        #expect(wb.violations == [], "seed \(seed): \(wb.violations.prefix(3))")
        #expect(wb.eventsChecked > 0)
        _ = ran
    }
}
