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
        "run", "registers", "mutations", "rules", "help", "--help", "-h", "--version", "--json", "--host-perf", "--busy-guest",
        "--vcpus", "--pcpus", "--vms", "--seed", "--mutation", "--workload", "--duration", "--exits", "--migrate-every",
        "--time-slice", "--max-buffer-size", "--idle", "--platform", "--scenario", "--", "-", "=", "", "--vcpus=", "--exits=1",
        "--mutation=", "--mutation=no-service-clear-on-exit", "no-drain-on-exit", "put-skipped-on-move", "0", "1", "2", "3", "-1",
        "x", "1e3", "0x10", "100000001", "18446744073709551616", "é", "--é", "\t", "run run", "1ms", "0s", "10", "off", "1.5us",
        "99999999999s", "4096", "5000", "sim", "live", "poll", "park", "trap-storm", "idle", "/nonexistent.json", "/",
        "--scenario=/dev/null", "--migrate-every=off",
    ]

    /// Three command lines that succeed, then a fixed list of seeded random argument vectors. Each
    /// run of `run` is kept small: a vector that starts with `run` gets a small simulated budget
    /// appended (or is refused for giving a flag twice, or two budgets).
    static let vectors: [[String]] = {
        var random = FuzzGenerator(state: 0x5BE_0F_F022)
        return [["run"], ["rules"], ["run", "--json", "--host-perf"]] + (0..<120).map { _ in
            let count = Int(random.next() % 6)
            return (0..<count).map { _ in random.pick(words) }
        }.map { vector in
            vector.first == "run" ? vector + ["--platform", "sim", "--exits", "200", "--vcpus", "2", "--vms", "1"] : vector
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
