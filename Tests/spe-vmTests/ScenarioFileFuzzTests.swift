import Testing

@testable import spe_vm

@Suite struct ScenarioFileFuzzTests {
    /// Characters a mutation inserts: JSON's punctuation, digits, letters of its words and keys.
    static let alphabet = Array(#"{}[]:,"\ -0123456789.eE+truefalsnvmspucd_x\#n"#)

    @Test("3000 seeded mutations of a good scenario file are read or refused with an error, never a trap")
    func mutations() {
        var random = FuzzGenerator(state: 0x5CE_4A81_0F11E)
        let base = Array(ScenarioFileTests.example)
        var accepted = 0
        var refused = 0
        for _ in 0..<3000 {
            var text = base
            for _ in 0...(random.next() % 4) {
                let index = Int(random.next() % UInt64(text.count + 1))
                switch random.next() % 3 {
                case 0 where index < text.count: text.remove(at: index)
                case 1 where index < text.count: text[index] = random.pick(Self.alphabet)
                default: text.insert(random.pick(Self.alphabet), at: index)
                }
            }
            do {
                let settings = try ScenarioFile.parse(String(text), path: "f.json")
                _ = try settings.plan()
                accepted += 1
            } catch {
                #expect(error.description.hasPrefix("f.json: "), "\(error.description)")
                refused += 1
            }
        }
        // Both outcomes occur: some mutations keep the file valid (a digit in a number), most do not.
        #expect(accepted > 0)
        #expect(refused > 0)
    }
}
