import Foundation
import SPEDevice
import Testing
import VCPURuntime

@Suite("registers, mutations and rules", .serialized)
struct ListingTests {
    @Test("registers names every register of the table with its encoding and access")
    func registers() throws {
        let result = try ToolProcess.run(["registers"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        for register in RegisterTable.all {
            let header = "\(register.name)  \(register.encoding)  \(register.access.rawValue)"
            #expect(result.stdoutLines.contains(header), "no header line '\(header)'")
        }
        #expect(result.stdoutLines.contains("PMBSR_EL1  S3_0_C9_C10_3  RW"))
        #expect(result.stdoutLines.contains("PMBIDR_EL1  S3_0_C9_C10_7  RO"))
    }

    @Test("PMBSR_EL1's fields run from bit 63 down, RES0 runs and named encodings included")
    func pmbsrFields() throws {
        let lines = try ToolProcess.run(["registers"]).stdoutLines
        let start = try #require(lines.firstIndex(of: "PMBSR_EL1  S3_0_C9_C10_3  RW"))
        let end = lines[start...].firstIndex(of: "") ?? lines.endIndex
        let block = Array(lines[(start + 1)..<end])
        #expect(block.first == "  [63:56] RES0")
        #expect(block.contains("  [55:32] MSS2  Management event specific syndrome 2"))
        #expect(block.contains("  [31:26] EC  Event class"))
        #expect(block.contains("  [25:20] RES0"))
        #expect(block.contains { $0.hasPrefix("  [17] S  ") })
        #expect(block.last == "  [15:0] MSS  Management event specific syndrome")
        let ec = try #require(block.firstIndex(of: "  [31:26] EC  Event class"))
        let named = block[(ec + 1)...].prefix { $0.hasPrefix("      ") }
        #expect(named.count == PMBSR_EL1.spec.field(named: "EC")?.encodings.count)
        #expect(named.contains { $0.hasPrefix("      0b100100  ") })
        #expect(named.contains { $0.hasPrefix("      0b100101  ") })
    }

    @Test("registers --json holds the same table")
    func registersJSON() throws {
        let result = try ToolProcess.run(["registers", "--json"])
        #expect(result.status == 0)
        let value = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let registers = try #require(value as? [[String: Any]])
        #expect(registers.map { $0["name"] as? String } == RegisterTable.all.map(\.name))
        let pmbsr = try #require(registers.first { $0["name"] as? String == "PMBSR_EL1" })
        #expect(pmbsr["encoding"] as? String == "S3_0_C9_C10_3")
        #expect(pmbsr["access"] as? String == "RW")
        let fields = try #require(pmbsr["fields"] as? [[String: Any]])
        #expect(fields.map { $0["bits"] as? String } == PMBSR_EL1.spec.fields.map(\.bits.description))
        let s = try #require(fields.first { $0["name"] as? String == "S" })
        #expect(s["msb"] as? Int == 17)
        #expect(s["lsb"] as? Int == 17)
        #expect(s["kind"] as? String == "field")
    }

    @Test("mutations prints exactly one 'name<TAB>summary' line per mutation, SPE's then the runtime's")
    func mutations() throws {
        let result = try ToolProcess.run(["mutations"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines.count == SPEMutation.allCases.count + RuntimeMutation.allCases.count)
        #expect(
            result.stdoutLines
                == SPEMutation.allCases.map { "\($0.rawValue)\t\($0.summary)" }
                + RuntimeMutation.allCases.map { "\($0.rawValue)\t\($0.summary)" })
        for line in result.stdoutLines {
            #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == 2, "\(line)")
        }
        #expect(result.stdoutLines.contains("no-service-clear-on-exit\tleaves hardware PMBSR_EL1.S set on exit"))
        #expect(result.stdoutLines.contains("put-skipped-on-move\ta VCPU that moves is loaded on its new CPU without being put on the old one"))
    }

    @Test("rules prints exactly one 'name<TAB>summary' line per rule, SPE's then the runtime's")
    func rules() throws {
        let result = try ToolProcess.run(["rules"])
        #expect(result.status == 0)
        #expect(
            result.stdoutLines
                == SPERule.allCases.map { "\($0.rawValue)\t\($0.summary)" } + RuntimeRule.allCases.map { "\($0.rawValue)\t\($0.summary)" })
        #expect(result.stdoutLines.contains("hw-service-cleared-on-exit\thardware PMBSR_EL1.S is cleared on exit when set"))
    }
}
