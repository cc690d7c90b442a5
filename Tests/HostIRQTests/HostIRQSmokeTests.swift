import Testing
@testable import HostIRQ

@Suite struct HostIRQSmokeTests {
    @Test func moduleNamed() { #expect(HostIRQModule.name == "HostIRQ") }
}
