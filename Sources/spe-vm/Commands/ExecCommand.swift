import Foundation
import VCPURuntime

/// `spe-vm exec FILE`: runs a register-level guest script on the simulated platform.
enum ExecCommand {
    static let spec = CommandSpec(
        name: "exec", summary: "run a register-level guest script on the simulated platform ('-' reads standard input)",
        details: [
            "One command per line, '#' starts a comment. Numbers are decimal or 0x hex; '|' ORs several.",
            "  config KEY VALUE     before the first guest action: max-buffer-size BYTES, memlock-limit BYTES,",
            "                       spe-irq INTID, vcpus N, pcpus N, seed N, hide FEATURE, mutation NAME,",
            "                       host-work OPS (host operations after every exit, default 200)",
            "  vcpu N               later lines act on VCPU N (from 0); migrate N moves it to CPU N",
            "  map START END        map [START, END) at stage 1 with memory behind it at stage 2",
            "  unmap stage1|stage2 START END",
            "  write REG VALUE      a guest write (a trapped one exits, a direct one does not)",
            "  read REG             a guest read, printed as REG=0x<16 hex digits>",
            "  expect REG VALUE [MASK], expect virq 0|1",
            "  run OPS              the guest executes OPS sampleable operations",
            "  virq, records, dump FILE, stats, host-perf on|off",
            "Exit status: 0 every expect held, 1 an expect failed or a rule broke, 2 a script error.",
        ],
        options: [], operands: "FILE", operandLimit: 1,
        action: { options in run(options.operands.first) })

    static func run(_ path: String?) -> ExitStatus {
        guard let path else {
            Console.report(.missingOperand(command: "exec", expected: "a script file, or '-' for standard input"), command: "exec")
            return .badInput
        }
        let text: String
        do {
            if path == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                text = try String(contentsOfFile: path, encoding: .utf8)
            }
        } catch {
            Console.report(.unreadableFile(path: path, reason: error.localizedDescription), command: "exec")
            return .badInput
        }
        let result: ExecResult
        do {
            result = try ExecEngine.run(GuestScript(parsing: text)) { file, bytes in
                try Data(bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
            }
        } catch {
            Console.report(.badScript(path: path == "-" ? "<stdin>" : path, reason: error.description), command: "exec")
            return .badInput
        }
        if !result.output.isEmpty { Console.out(result.output.joined(separator: "\n")) }
        return result.exitStatus == 0 ? .success : .violations
    }
}
