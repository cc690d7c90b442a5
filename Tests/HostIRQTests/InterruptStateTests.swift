import Testing
@testable import HostIRQ

@Suite struct InterruptStateTests {
    @Test func levelPendingFollowsLine() {
        var s = InterruptState(trigger: .level)
        #expect(s.handle(.setLine(high: true)) == .becamePending)
        #expect(s.isPending && s.isReadyToAcknowledge)
        #expect(s.handle(.setLine(high: true)) == .lineUnchanged)
        #expect(s.handle(.setLine(high: false)) == .cancelled)
        #expect(s.isIdle)
        #expect(s.handle(.acknowledge) == .refused(.notPending))
    }

    @Test func levelStillHighAfterEOIRePends() {
        var s = InterruptState(trigger: .level)
        _ = s.handle(.setLine(high: true))
        #expect(s.handle(.acknowledge) == .acknowledged)
        #expect(s.isActive && !s.isReadyToAcknowledge)
        #expect(s.handle(.acknowledge) == .refused(.alreadyActive))
        #expect(s.handle(.endOfInterrupt) == .rePended)
        #expect(s.isReadyToAcknowledge)
    }

    @Test func levelLoweredWhileActiveDoesNotRePend() {
        var s = InterruptState(trigger: .level)
        _ = s.handle(.setLine(high: true))
        _ = s.handle(.acknowledge)
        #expect(s.handle(.setLine(high: false)) == .lowered)
        #expect(s.handle(.endOfInterrupt) == .deactivated)
        #expect(s.isIdle)
    }

    @Test func levelRaisedWhileActiveRePends() {
        var s = InterruptState(trigger: .level)
        _ = s.handle(.setLine(high: true))
        _ = s.handle(.acknowledge)
        _ = s.handle(.setLine(high: false))
        #expect(s.handle(.setLine(high: true)) == .pendingWhileActive)
        #expect(s.handle(.endOfInterrupt) == .rePended)
    }

    @Test func edgeRaisedWhileActiveIsRemembered() {
        var s = InterruptState(trigger: .edge)
        #expect(s.handle(.pulse) == .becamePending)
        #expect(s.handle(.pulse) == .merged)
        #expect(s.handle(.acknowledge) == .acknowledged)
        #expect(!s.isPending)
        #expect(s.handle(.pulse) == .pendingWhileActive)
        #expect(s.handle(.pulse) == .merged)
        #expect(s.handle(.endOfInterrupt) == .rePended)
        #expect(s.handle(.acknowledge) == .acknowledged)
        #expect(s.handle(.endOfInterrupt) == .deactivated)
        #expect(s.isIdle)
    }

    @Test func wrongTriggerIsRefused() {
        var level = InterruptState(trigger: .level)
        var edge = InterruptState(trigger: .edge)
        #expect(level.handle(.pulse) == .refused(.wrongTrigger(.level)))
        #expect(edge.handle(.setLine(high: true)) == .refused(.wrongTrigger(.edge)))
        #expect(level.isIdle && edge.isIdle)
    }

    @Test func disabledKeepsPendingButRefusesAcknowledge() {
        var s = InterruptState(trigger: .edge, enabled: false)
        #expect(s.handle(.pulse) == .becamePending)
        #expect(!s.isReadyToAcknowledge)
        #expect(s.handle(.acknowledge) == .refused(.disabled))
        #expect(s.handle(.setEnabled(true)) == .configured)
        #expect(s.handle(.acknowledge) == .acknowledged)
    }

    @Test func endOfInterruptWhenNotActiveIsRefused() {
        var s = InterruptState(trigger: .level)
        #expect(s.handle(.endOfInterrupt) == .refused(.notActive))
        #expect(InterruptState.Refusal.notActive.description == "the interrupt is not active")
    }
}
