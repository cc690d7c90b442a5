import Foundation
import Testing

@testable import VCPURuntime

/// Loads `Scripts/NAME.spe` from the test bundle.
func script(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "spe", subdirectory: "Scripts"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// Runs a script's text, with dumps kept in memory.
func exec(_ text: String) throws -> ExecResult {
    try ExecEngine.run(GuestScript(parsing: text)) { _, _ in }
}

/// The value of `name=` among `stats` lines (the last `stats` printed).
func stat(_ result: ExecResult, _ name: String) -> String? {
    result.output.last { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
}

@Suite struct ExecScriptTests {
    @Test func bufferFillsAndRestarts() throws {
        let result = try exec(try script("buffer-fill"))
        #expect(result.output.filter { $0.hasPrefix("expect failed") } == [])
        #expect(result.exitStatus == 0)
        #expect(result.output.filter { $0.hasPrefix("offset=") }.count == 128)
        #expect(stat(result, "events.management") == "2")
        #expect(stat(result, "exits.irq") == "2")
        #expect(stat(result, "invariants.violated") == "0")
    }

    @Test func eachEnableEdgeRefusal() throws {
        let result = try exec(try script("enable-refusals"))
        #expect(result.output.filter { $0.hasPrefix("expect failed") } == [])
        #expect(result.exitStatus == 0)
        #expect(stat(result, "events.management") == "5")
        #expect(stat(result, "pins") == "1")
        #expect(stat(result, "bytes.pinned") == "8192")
    }

    @Test func discardModeWritesNothing() throws {
        let result = try exec(try script("discard"))
        #expect(result.exitStatus == 0)
        #expect(stat(result, "records.written") == "0")
        #expect(stat(result, "records.dropped.discarded") == "389")
    }

    @Test func directAccessesDoNotExitTrappedOnesDo() throws {
        let result = try exec(try script("trap-split"))
        #expect(result.exitStatus == 0)
        let firstStats = try #require(result.output.firstIndex { $0.hasPrefix("exits.total=") })
        // Nine direct accesses: no exit but the yield to the script.
        #expect(result.output[firstStats] == "exits.total=1")
        #expect(result.output.contains("exits.hypercall=1"))
        // Three trapped reads and one trapped write: four sysreg exits.
        #expect(stat(result, "exits.sysreg") == "4")
        #expect(stat(result, "traps.read") == "3")
        #expect(stat(result, "traps.write") == "1")
        #expect(result.output.contains("PMSIDR_EL1=0x0000000000026047"))
        #expect(result.output.contains("PMBIDR_EL1=0x0000000000000026"))
    }

    @Test func migrationKeepsTheRegisters() throws {
        let result = try exec(try script("migration"))
        #expect(result.output.filter { $0.hasPrefix("expect failed") } == [])
        #expect(result.exitStatus == 0)
        #expect(stat(result, "records.dropped.filtered")! != "0")
    }

    @Test func hostSessionAndGuestStayApart() throws {
        let result = try exec(try script("host-perf"))
        #expect(result.exitStatus == 0)
        let records = result.output.filter { $0.hasPrefix("offset=") }
        #expect(records.count == 256)
        #expect(records.allSatisfy { $0.contains("context=el1:0x00010000") })
        #expect(stat(result, "invariants.violated") == "0")
    }

    @Test(arguments: ["host-perf", "migration", "buffer-fill"])
    func sameScriptSameOutputAndEventLog(_ name: String) throws {
        let text = try script(name)
        let (a, b) = (try exec(text), try exec(text))
        #expect(a.output == b.output)
        #expect(a.decisions == b.decisions)
        #expect(a.eventsChecked == b.eventsChecked)
        #expect(a.decisions.count > 10)
        #expect(a.eventsChecked > 100)
    }
}
