import Testing
@testable import HostIRQ

@Suite struct VCPUInterruptRouterTests {
    @Test func deliveryDependsOnLocation() {
        var r = VCPUInterruptRouter()
        #expect(r.handle(.deliver) == .nothingToDo)
        #expect(r.handle(.enterGuest(1)) == .entered)
        #expect(r.handle(.deliver) == .kick(1))
        #expect(r.location == .exiting(1))
        #expect(r.handle(.deliver) == .kickFoundVCPUExiting(1))
        #expect(r.handle(.exitGuest) == .exited)
        #expect(r.handle(.blockInWFI) == .blocked)
        #expect(r.handle(.deliver) == .wake)
        #expect(r.location == .notInGuest)
        #expect(r.handle(.deliver) == .nothingToDo)
    }

    @Test(arguments: [
        (VCPULocation.inGuest(0), VCPUInterruptRouter.Event.enterGuest(1)),
        (.exiting(0), .enterGuest(0)),
        (.blockedInWFI, .enterGuest(0)),
        (.notInGuest, .exitGuest),
        (.blockedInWFI, .exitGuest),
        (.inGuest(0), .blockInWFI),
        (.blockedInWFI, .blockInWFI),
        (.notInGuest, .unblock),
        (.inGuest(1), .unblock),
    ])
    func transitionsThatAreNotAllowed(from: VCPULocation, event: VCPUInterruptRouter.Event) {
        var r = VCPUInterruptRouter(location: from)
        #expect(r.handle(event) == .notAllowed(from: from))
        #expect(r.location == from)
    }

    @Test func unblockWithoutInterrupt() {
        var r = VCPUInterruptRouter(location: .blockedInWFI)
        #expect(r.handle(.unblock) == .unblocked)
        #expect(r.location == .notInGuest)
    }
}
