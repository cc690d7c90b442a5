import Testing

@Suite struct ToolSmokeTests {
    @Test func placeholder() { #expect(1 + 1 == 2) }
}
