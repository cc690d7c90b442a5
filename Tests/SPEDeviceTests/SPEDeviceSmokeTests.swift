import Testing
@testable import SPEDevice

@Suite struct SPEDeviceSmokeTests {
    @Test func moduleNamed() { #expect(SPEDeviceModule.name == "SPEDevice") }
}
