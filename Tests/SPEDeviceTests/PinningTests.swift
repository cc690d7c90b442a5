import Testing
@testable import SPEDevice

/// Pinning at the enable edge, unpinning at the falling edge, and the locked-memory limit.
@Suite struct PinningTests {
    static let base = Bench.base

    @Test func enablingPinsExactlyTheBufferPages() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x4000))
        try Bench.enable(&wb, v, ptr: Self.base + 0x1040, limit: Self.base + 0x4000)
        let spe = wb.vcpus[v].spe
        #expect(spe.pinned == (Self.base + 0x1000)..<(Self.base + 0x4000))
        #expect(spe.counters.pins == 1)
        #expect(spe.counters.bytesPinned == 0x3000)
        #expect(spe.counters.pinNanoseconds == 3 * KVMEnvironment.pinNanosecondsPerPage)
        #expect(wb.vms[0].lockedMemory.charged == 0x3000)
        #expect(spe.bufferBase == Self.base + 0x1040)
        #expect(wb.violations == [])
    }

    @Test func clearingEUnpinsAndRefunds() throws {
        var (wb, v) = try Bench.make()
        wb.map(v, Self.base..<(Self.base + 0x2000))
        try Bench.enable(&wb, v, ptr: Self.base, limit: Self.base + 0x2000)
        #expect(wb.vms[0].lockedMemory.charged == 0x2000)
        try wb.write(v, .PMBLIMITR_EL1, Bench.limitr(Self.base + 0x2000, enabled: false))
        let spe = wb.vcpus[v].spe
        #expect(spe.pinned == nil)
        #expect(spe.counters.unpins == 1)
        #expect(spe.counters.pinNanoseconds == 2 * (KVMEnvironment.pinNanosecondsPerPage + KVMEnvironment.unpinNanosecondsPerPage))
        #expect(wb.vms[0].lockedMemory.charged == 0)
        #expect(wb.violations == [])
    }

    @Test func aBufferFullEventOnExitUnpins() throws {
        var (wb, v) = try Bench.make()
        try wb.programBuffer(v, base: Self.base, size: 0x1000)
        #expect(wb.vms[0].lockedMemory.charged == 0x1000)
        let ran = try wb.run(v, operations: 64 * 257, program: TestProgram.uniform())
        #expect(ran == 64 * 257)
        let spe = wb.vcpus[v].spe
        #expect(spe.memory.PMBSR.S)
        #expect(spe.pinned == nil)
        #expect(spe.counters.pins == 1)
        #expect(spe.counters.unpins == 1)
        #expect(wb.vms[0].lockedMemory.charged == 0)
        #expect(wb.exits.irq == 1)
        #expect(wb.violations == [])
    }

    @Test func theLockedMemoryLimitExitsToTheVMMWhichRaisesIt() throws {
        var (wb, v) = try Bench.make(lockedMemoryLimit: 0x1000)
        wb.map(v, Self.base..<(Self.base + 0x3000))
        try wb.write(v, .PMSCR_EL1, 0b11)  // E0SPE, E1SPE
        try wb.write(v, .PMSIRR_EL1, 1 << 8)
        try wb.write(v, .PMBPTR_EL1, Self.base)
        let outcome = try wb.access(v, .PMBLIMITR_EL1, write: Bench.limitr(Self.base + 0x3000, enabled: true))
        #expect(outcome == .lockedMemoryLimit(needed: 0x3000))
        #expect(wb.exits.lockedMemory == 1)
        #expect(wb.vcpus[v].spe.pinned == nil)
        #expect(wb.vcpus[v].spe.pinPending == Self.base..<(Self.base + 0x3000))
        #expect(wb.vms[0].lockedMemory.charged == 0)
        // The next entry retries the pin, exits again, the VMM raises the limit, and it runs.
        #expect(try wb.enterGuest(v))
        #expect(wb.exits.lockedMemory == 2)
        #expect(wb.vms[0].lockedMemory.limit == 0x3000)
        #expect(wb.vms[0].lockedMemory.charged == 0x3000)
        #expect(wb.vcpus[v].spe.pinned == Self.base..<(Self.base + 0x3000))
        #expect(wb.vcpus[v].spe.pinPending == nil)
        #expect(wb.vcpus[v].spe.counters.lockedMemoryExits == 2)
        #expect(wb.vcpus[v].spe.counters.pins == 1)
        try wb.run(v, operations: 1000, program: TestProgram.uniform())
        #expect(wb.devices[0].unit.counters.written == 3)
        #expect(wb.violations == [])
    }

    @Test func lockedMemoryAccountRefusesPastTheLimit() {
        let account = LockedMemoryAccount(limit: 0x2000)
        #expect(account.tryCharge(0x1000))
        #expect(!account.tryCharge(0x1001))
        #expect(account.charged == 0x1000)
        #expect(account.tryCharge(0x1000))
        account.refund(0x2000)
        #expect(account.charged == 0)
        #expect(!LockedMemoryAccount().tryCharge(.max) || LockedMemoryAccount().limit == .max)
    }

    /// Relaxing a limit only ever raises it: a limit the VMM raised past the relaxed value stays.
    @Test func relaxingALimitNeverLowersIt() {
        let account = LockedMemoryAccount(limit: 0x4000)
        account.setLimit(0x1000)
        account.raiseLimit(toAtLeast: 0x4000)
        #expect(account.limit == 0x4000)
        account.setLimit(0x8000)
        account.raiseLimit(toAtLeast: 0x4000)
        #expect(account.limit == 0x8000)
    }
}
