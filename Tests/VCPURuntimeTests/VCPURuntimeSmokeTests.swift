import Testing
@testable import VCPURuntime

@Suite struct VCPURuntimeSmokeTests {
    @Test func moduleNamed() { #expect(VCPURuntimeModule.name == "VCPURuntime") }
}
