import Testing

@testable import SPEDevice

/// A scenario that reaches every rule: two SPE VCPUs and one without SPE on two CPUs with host
/// sessions, buffers that fill and restart, migration, identification reads, collisions and samples
/// in flight at exit, filters, discard mode, misprogrammed and unmapped buffers, memory taken away
/// under a pinned buffer, and a driver that re-enables while its buffer is stopped.
enum Exerciser {
    static let baseA: UInt64 = 0x8000_0000
    static let baseB: UInt64 = 0x9000_0000
    static let size: UInt64 = 8192

    static func run(mutation: SPEMutation?) throws -> SPEWorkbench {
        var wb = SPEWorkbench(cpus: 2, seed: 7, mutation: mutation)
        wb.hostOperationsPerExit = 1500
        let vm0 = wb.addVM(SPEVMConfiguration(hiddenFeatures: [.FnE]))
        let vm1 = wb.addVM(SPEVMConfiguration(hasSPE: false))
        let a = try wb.addVCPU(vm: vm0, maxBufferSize: 64 * 1024)
        let b = try wb.addVCPU(vm: vm0, maxBufferSize: 64 * 1024)
        let c = try wb.addVCPU(vm: vm1)
        // Small host buffers, so host interrupts come often and some are pending at entry.
        wb.setHostSession(true, cpu: 0, size: 4096, interval: 256)
        wb.setHostSession(true, cpu: 1, size: 4096, interval: 256)
        try wb.load(a, on: 0)
        try wb.load(b, on: 1)
        _ = try wb.read(a, .PMSIDR_EL1)
        _ = try wb.read(a, .PMBIDR_EL1)
        try wb.programBuffer(a, base: baseA, size: size)
        try wb.programBuffer(b, base: baseB, size: size)

        // Fill, service, migrate.
        for round in 0..<6 {
            for v in [a, b] {
                try wb.run(v, operations: 20_000)
                if wb.vcpus[v].spe.memory.PMBSR.S { try wb.serviceBuffer(v) }
            }
            try wb.migrate(a, to: (round + 1) % 2)
            try wb.migrate(b, to: round % 2)
        }

        // A VM without SPE shares CPU 0: every SPE register is undefined for it.
        try wb.load(c, on: 0)
        try wb.run(c, operations: 5000, at: 1)
        _ = try wb.access(c, .PMBSR_EL1)
        _ = try wb.access(c, .PMSCR_EL1, write: 1)
        try wb.load(a, on: 0)

        // Long-latency operations: collisions, and samples in flight when the guest exits.
        let longOps = SyntheticProgram(seed: 3, baseInFlight: 300)
        for _ in 0..<8 {
            try wb.run(a, operations: 3000, program: longOps)
            _ = try wb.read(a, .PMBSR_EL1)
            if wb.vcpus[a].spe.memory.PMBSR.S { try wb.serviceBuffer(a) }
        }
        let inFlight = SyntheticProgram(seed: 4, baseInFlight: 100)
        for _ in 0..<8 {
            try wb.run(a, operations: 1000, program: inFlight)
            _ = try wb.read(a, .PMBPTR_EL1)
        }
        if wb.vcpus[a].spe.memory.PMBSR.S { try wb.serviceBuffer(a) }

        // A type filter keeps only branches; then no filter.
        var fcr = PMSFCR_EL1(rawValue: 0)
        fcr.FT = true
        fcr.B = true
        try wb.write(a, .PMSFCR_EL1, fcr.rawValue)
        try wb.run(a, operations: 20_000)
        if wb.vcpus[a].spe.memory.PMBSR.S { try wb.serviceBuffer(a) }
        try wb.write(a, .PMSFCR_EL1, 0)

        // Discard mode, then fill mode again.
        var limit = PMBLIMITR_EL1(rawValue: try wb.read(a, .PMBLIMITR_EL1))
        limit.E = false
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
        limit.FM = .discard
        limit.E = true
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
        try wb.run(a, operations: 20_000)
        limit.E = false
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
        limit.FM = .fill
        try wb.write(a, .PMBPTR_EL1, baseA)
        limit.E = true
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)

        // A driver that re-enables while its buffer is stopped, with a pointer that makes the
        // buffer larger than the maximum: no edge, so KVM does nothing.
        try wb.run(a, operations: 40_000)
        if wb.vcpus[a].spe.memory.PMBSR.S {
            try wb.write(a, .PMBPTR_EL1, baseA + size - 128 * 1024)
            try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
            try wb.serviceBuffer(a, restartAt: baseA)
        }

        // Misprogrammed (misaligned) buffer, then a buffer with an unmapped page at stage 1.
        limit.E = false
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
        try wb.write(a, .PMBPTR_EL1, baseA + 8)
        limit.E = true
        try wb.write(a, .PMBLIMITR_EL1, limit.rawValue)
        _ = try wb.read(a, .PMBSR_EL1)
        try wb.run(a, operations: 2000)
        try wb.serviceBuffer(a, restartAt: baseA)
        wb.unmapStage1(a, (baseA + 4096)..<(baseA + 8192))
        try wb.serviceBuffer(a, restartAt: baseA)
        wb.map(a, baseA..<(baseA + size))
        try wb.serviceBuffer(a, restartAt: baseA)

        // The VMM takes memory from under the pinned buffer: a stage-2 fault on a record write.
        try wb.run(a, operations: 300)
        _ = try wb.read(a, .PMBSR_EL1)
        wb.unmapStage2(a, baseA..<(baseA + size))
        try wb.run(a, operations: 20_000)
        _ = try wb.read(a, .PMBSR_EL1)
        wb.map(a, baseA..<(baseA + size))
        try wb.serviceBuffer(a, restartAt: baseA)

        // The last rounds, then everything disabled.
        for v in [a, b] {
            try wb.run(v, operations: 20_000)
            if wb.vcpus[v].spe.memory.PMBSR.S { try wb.serviceBuffer(v) }
            var last = PMBLIMITR_EL1(rawValue: try wb.read(v, .PMBLIMITR_EL1))
            last.E = false
            try wb.write(v, .PMBLIMITR_EL1, last.rawValue)
            try wb.run(v, operations: 1000)
            wb.put(v)
        }
        return wb
    }
}

@Suite struct MutationTests {
    @Test func correctModelBreaksNoRule() throws {
        let wb = try Exerciser.run(mutation: nil)
        #expect(wb.violations.map(\.description) == [])
    }

    /// The scenario really reaches what the mutations break.
    @Test func exerciserReachesEveryPath() throws {
        let wb = try Exerciser.run(mutation: nil)
        let units = wb.devices.map(\.unit.counters)
        let vcpu = wb.vcpus[0].spe.counters
        #expect(units.reduce(0) { $0 + $1.written } > 100)
        #expect(units.reduce(0) { $0 + ($1.dropped[.collision] ?? 0) } > 0)
        #expect(units.reduce(0) { $0 + ($1.dropped[.filtered] ?? 0) } > 0)
        #expect(units.reduce(0) { $0 + ($1.dropped[.discarded] ?? 0) } > 0)
        #expect(units.reduce(0) { $0 + ($1.dropped[.fault] ?? 0) } > 0)
        #expect(vcpu.enableRefusals[.misprogrammed] == 1)
        #expect(vcpu.enableRefusals[.stage1Unmapped] == 1)
        #expect(vcpu.stage2Warnings == 1)
        #expect(vcpu.lostSyndromeBits > 0)
        #expect(wb.devices.allSatisfy { ($0.host?.interruptsHandled ?? 0) > 0 })
    }

    /// Rules a mutation breaks downstream of its own, each a real consequence of the bug.
    static let consequences: [SPEMutation: Set<SPERule>] = [
        // Hardware runs a buffer that is stopped in memory; its next event lands on a pending syndrome.
        .limitrWrittenWhenDisabled: [.firstSyndromeWins],
        // E cleared in memory behind KVM's back: no falling edge, so the pages stay pinned.
        .limitrMemoryFromHardware: [.pinnedExactlyWhileEnabled],
        // The guest writes from a stale pointer, which is read back: the buffer leaves its pinned pages.
        .noPMBPTRWriteOnEntry: [.hardwareBufferCheckedAndPinned],
    ]

    @Test(arguments: SPEMutation.allCases)
    func mutationIsReportedAsItsRule(_ mutation: SPEMutation) throws {
        let wb = try Exerciser.run(mutation: mutation)
        let first = try #require(wb.violations.first, "\(mutation) broke no rule")
        #expect(first.rule == mutation.rule, "\(mutation): first violation \(first)")
        let allowed = Self.consequences[mutation, default: []].union([mutation.rule])
        let others = Set(wb.violations.map(\.rule)).subtracting(allowed)
        #expect(others.isEmpty, "\(mutation) also broke \(others.map(\.rawValue).sorted())")
    }

    @Test func everyRuleHasAMutation() {
        let covered = Set(SPEMutation.allCases.map(\.rule))
        #expect(SPERule.allCases.filter { !covered.contains($0) } == [])
    }
}
