import Testing

@testable import spe_vm

@Suite struct DurationTextTests {
    @Test(
        "every unit reads as its nanoseconds",
        arguments: [
            ("500ns", 500), ("250us", 250_000), ("1ms", 1_000_000), ("10s", 10_000_000_000), ("0s", 0), ("0ns", 0),
            ("007ms", 7_000_000), ("18446744073709551615ns", UInt64.max), ("18446744073s", 18_446_744_073_000_000_000),
        ] as [(String, UInt64)])
    func parses(text: String, nanoseconds: UInt64) throws {
        #expect(try DurationText.parse(text) == nanoseconds)
    }

    @Test(
        "a bare number, a fraction, a sign, spaces, an unknown or missing unit are refused",
        arguments: ["10", "", "s", "ms", "1.5ms", "-1s", "+1s", " 1s", "1s ", "1 s", "1m", "1h", "1Ms", "1S", "1µs", "0x10ns", "1e3ns", "1sec", "1mss"])
    func malformed(text: String) {
        #expect(throws: DurationText.Problem.malformed) { try DurationText.parse(text) }
    }

    @Test("more nanoseconds than 64 bits hold are refused", arguments: ["18446744074s", "18446744073710ms", "18446744073709551616ns", "99999999999999999999999s"])
    func tooLong(text: String) {
        #expect(throws: DurationText.Problem.tooLong) { try DurationText.parse(text) }
    }

    @Test("format writes the largest exact unit, and parse reads it back", arguments: [
        (0, "0s"), (1, "1ns"), (999, "999ns"), (1_000, "1us"), (1_500_000, "1500us"), (1_000_000, "1ms"),
        (2_000_000_000, "2s"), (UInt64.max, "18446744073709551615ns"),
    ] as [(UInt64, String)])
    func format(nanoseconds: UInt64, text: String) throws {
        #expect(DurationText.format(nanoseconds) == text)
        #expect(try DurationText.parse(text) == nanoseconds)
    }

    @Test("describe is for people: three decimals (cut, not rounded) of the largest unit reached", arguments: [
        (0, "0 ns"), (999, "999 ns"), (1_000, "1.000 µs"), (1_234_567, "1.234 ms"), (2_000_000_000, "2.000 s"),
        (59_999_999_999, "59.999 s"),
    ] as [(UInt64, String)])
    func describe(nanoseconds: UInt64, text: String) {
        #expect(DurationText.describe(nanoseconds) == text)
    }
}
