import HostIRQ
import SPEDevice
import Testing

@testable import VCPURuntime

/// The pure decoding of exit syndromes and the dispatch table.
@Suite struct ExitDecodingTests {
    @Test(arguments: SPERegisterID.allCases)
    func trappedAccessRoundTrips(_ register: SPERegisterID) {
        for read in [true, false] {
            let syndrome = ExitSyndrome.trappedAccess(register.spec.encoding, read: read, rt: 7)
            #expect(DecodedExit.decode(syndrome) == .sysreg(register.spec.encoding, read: read))
            #expect(RegisterTable.entry(encoding: register.spec.encoding) == register)
        }
    }

    @Test func trappedAccessSyndromeBits() {
        // MRS x3, PMBSR_EL1: EC 0x18, IL 1, Op0 3, Op2 3, Op1 0, CRn 9, Rt 3, CRm 10, read.
        let syndrome = ExitSyndrome.trappedAccess(SPERegisterID.PMBSR_EL1.spec.encoding, read: true, rt: 3)
        #expect(syndrome == .synchronous(esr: 0x18 << 26 | 1 << 25 | 3 << 20 | 3 << 17 | 9 << 10 | 3 << 5 | 10 << 1 | 1))
    }

    @Test func otherExits() {
        #expect(DecodedExit.decode(.waitForInterrupt) == .wfi)
        #expect(DecodedExit.decode(.hypercall(0x1234)) == .hypercall(0x1234))
        #expect(DecodedExit.decode(.irq(.maintenance)) == .maintenance)
        #expect(DecodedExit.decode(.irq(.hypervisorTimer)) == .preemption)
        #expect(DecodedExit.decode(.irq(.spePMBIRQ)) == .irq(.spePMBIRQ))
        #expect(DecodedExit.decode(.irq(.kick)) == .irq(.kick))
        #expect(DecodedExit.decode(.userspace) == .lockedMemory)
        // An exception class the model never produces (0x24, a data abort) is unknown, not a trap.
        let abort: UInt64 = 0x24 << 26 | 1 << 25
        #expect(DecodedExit.decode(.synchronous(esr: abort)) == .unknown(abort))
        #expect(DecodedExit.unknown(abort).reason == nil)
    }

    @Test func exitCountsKeepEveryReasonApart() {
        var counts = ExitCounts()
        for (n, reason) in ExitReason.allCases.enumerated() {
            for _ in 0...n { counts.count(reason) }
        }
        #expect(ExitReason.allCases.map { counts[$0] } == [1, 2, 3, 4, 5, 6, 7])
        #expect(counts.total == 28)
        var doubled = counts
        doubled.add(counts)
        #expect(ExitReason.allCases.map { doubled[$0] } == [2, 4, 6, 8, 10, 12, 14])
    }
}
