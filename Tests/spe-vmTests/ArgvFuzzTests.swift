import Testing

/// SplitMix64, so the fuzz vectors are the same on every run.
struct FuzzGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }
}

@Suite("argv fuzz", .serialized)
struct ArgvFuzzTests {
    static let words = [
        "run", "registers", "mutations", "rules", "help", "--help", "-h", "--version", "--json", "--host-perf",
        "--vcpus", "--pcpus", "--vms", "--rounds", "--operations", "--seed", "--mutation", "--", "-", "=", "",
        "--vcpus=", "--rounds=1", "--mutation=", "--mutation=no-service-clear-on-exit", "no-drain-on-exit",
        "0", "1", "2", "3", "-1", "x", "1e3", "0x10", "100000001", "18446744073709551616", "é", "--é", "\t",
        "run run", "--operations=50", "--mutation=no-pmbptr-write-on-entry",
    ]

    /// A fixed list of seeded random argument vectors. Each run of `run` is kept short: a vector that
    /// starts with `run` gets `--rounds` and `--operations` small enough (or rejected twice-given).
    static let vectors: [[String]] = {
        var random = FuzzGenerator(state: 0x5BE_0F_F022)
        return (0..<80).map { _ in
            let count = Int(random.next() % 6)
            var vector = (0..<count).map { _ in random.pick(words) }
            if vector.first == "run" { vector += ["--rounds", "2", "--operations", "300"] }
            return vector
        }
    }()

    @Test("every argument vector ends with exit status 0, 1 or 2, never by a signal")
    func neverTraps() throws {
        var statuses: [Int32: Int] = [:]
        for vector in Self.vectors {
            let result = try ToolProcess.run(vector)
            #expect(result.exitedNormally, "\(vector) ended by a signal: \(result.stderr)")
            #expect([0, 1, 2].contains(result.status), "\(vector) exited \(result.status)")
            if result.status == 2 {
                #expect(result.stderrLines.first?.hasPrefix("spe-vm: ") == true, "\(vector): \(result.stderr)")
            }
            statuses[result.status, default: 0] += 1
        }
        // The list exercises both outcomes: accepted command lines and rejected ones.
        #expect(statuses[0, default: 0] > 0)
        #expect(statuses[2, default: 0] > 0)
    }
}
