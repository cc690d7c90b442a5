/// Durations as the tool reads and writes them: a whole number and a unit, `ns`, `us`, `ms` or
/// `s` (`10s`, `1ms`, `250us`, `500ns`). The one parser of durations, for flags and scenario files.
enum DurationText {
    /// The units, largest first, with their length in nanoseconds.
    static let units: [(suffix: String, nanoseconds: UInt64)] = [
        ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    /// What a duration must look like, for messages.
    static let expected = "a duration: a whole number and a unit, ns, us, ms or s (e.g. 10s, 1ms, 250us, 500ns)"

    /// Why a text is not a duration.
    enum Problem: Error, Equatable, Sendable {
        /// Not a whole number followed by a unit (a bare number among them).
        case malformed
        /// More nanoseconds than 64 bits hold.
        case tooLong

        /// What was expected instead, for messages.
        var expected: String {
            switch self {
            case .malformed: DurationText.expected
            case .tooLong: "a duration of at most \(UInt64.max)ns (about 584 years)"
            }
        }
    }

    /// The nanoseconds `text` stands for.
    static func parse(_ text: String) throws(Problem) -> UInt64 {
        // "ns", "us" and "ms" end in "s" too: try the two-letter units first.
        let unit = units.sorted { $0.suffix.count > $1.suffix.count }.first { text.hasSuffix($0.suffix) }
        guard let unit else { throw .malformed }
        let digits = String(text.dropLast(unit.suffix.count))
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .malformed
        }
        guard let count = UInt64(digits) else { throw .tooLong }
        let (nanoseconds, overflow) = count.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { throw .tooLong }
        return nanoseconds
    }

    /// `nanoseconds` in the largest unit that shows it exactly (`1ms`, `1500us`, `0s`): text that
    /// ``parse(_:)`` reads back to the same value.
    static func format(_ nanoseconds: UInt64) -> String {
        let unit = units.first { nanoseconds % $0.nanoseconds == 0 } ?? units[units.count - 1]
        return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
    }

    /// `nanoseconds` for people: the largest unit it reaches, three decimals below a thousand
    /// (`1.235 ms`, `512 ns`, `2.000 s`).
    static func describe(_ nanoseconds: UInt64) -> String {
        guard nanoseconds >= 1_000 else { return "\(nanoseconds) ns" }
        let unit = units.first { nanoseconds >= $0.nanoseconds } ?? units[units.count - 1]
        let whole = nanoseconds / unit.nanoseconds
        let thousandths = (nanoseconds % unit.nanoseconds) / (unit.nanoseconds / 1_000)
        let name = unit.suffix == "us" ? "µs" : unit.suffix
        return "\(whole).\(String(repeating: "0", count: 3 - String(thousandths).count))\(thousandths) \(name)"
    }
}
