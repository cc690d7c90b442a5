import Foundation
import VCPURuntime

/// `--trace FILE.json` and `--trace-limit N`, the flags of `spe-vm run`, `latency` and `replay`
/// that write the run's timeline (``RunTrace``) as Chrome trace-event JSON: one place for the
/// flags, their help, the check of the path before the run and the write after it.
enum TraceOptions {
    static let trace = OptionSpec(
        name: "trace", kind: .path, placeholder: "FILE.json", defaultValue: nil,
        help: "write the run's timeline as Chrome trace-event JSON (open it in Perfetto)")
    static let limit = OptionSpec(
        name: "trace-limit", kind: .number(1...UInt64(maximumLimit)), placeholder: "N", defaultValue: "\(RunTrace.defaultLimit)",
        help: "the most records --trace keeps: a longer run's trace is cut where it filled (said on stderr and in the file)")

    /// The trace's flags, in the order `--help` lists them.
    static let flags = [trace, limit]

    /// The most records a trace may be asked to keep (a record takes 56 bytes while the run
    /// goes on, and 100–250 bytes of JSON).
    static let maximumLimit = 100_000_000

    /// The `--help` paragraph of a command with the trace's flags.
    static let help = [
        "--trace FILE.json writes the run's timeline as Chrome trace-event JSON, which Perfetto",
        "(ui.perfetto.dev) and chrome://tracing open: a track per physical CPU with a slice per guest",
        "run (named after its VCPU, its exit's reason in the arguments), instants for the physical",
        "interrupts the host took, the virtual interrupts the guests took and the SPE management events,",
        "a 'run queue' counter per CPU, and a track per VCPU with a flow from where each virtual",
        "interrupt was injected to the guest run that took it. Times are platform time (virtual on sim,",
        "the real clock on live). The file is written whole or not at all, also when a rule broke;",
        "--trace-limit bounds it (a longer run's trace is cut, and says so).",
    ]

    /// What `--trace` asks for.
    struct Request: Sendable {
        var path: String
        var limit: Int
    }

    /// The trace the flags ask for, its path checked before the run (nil: none). `--trace-limit`
    /// without `--trace` is a mistake.
    static func request(_ options: ParsedOptions) throws(ToolError) -> Request? {
        guard case .path(let path)? = options.values[trace.name] else {
            if options.values[limit.name] != nil {
                throw .inconsistent("\(limit.flag) bounds the trace \(trace.flag) writes: give \(trace.flag) FILE.json too")
            }
            return nil
        }
        try TextFile.checkWritable(path: path)
        var request = Request(path: path, limit: RunTrace.defaultLimit)
        if case .number(let n)? = options.values[limit.name] { request.limit = Int(n) }
        return request
    }

    /// Writes `result`'s trace where `request` says, noting on standard error when it was cut;
    /// false (the error reported) if it could not be written.
    static func write(_ result: RunResult, _ request: Request?, command: String, arguments: [String]) -> Bool {
        guard let request, let trace = result.trace else { return true }
        let metadata = [
            "tool": Tool.version,
            "command": (["spe-vm", command] + arguments).map(RunReport.shellQuoted).joined(separator: " "),
        ]
        do throws(ToolError) {
            try TextFile.writeAtomically(to: request.path) { (write: (ArraySlice<UInt8>) throws(ToolError) -> Void) throws(ToolError) in
                try trace.chromeTraceJSON(metadata: metadata, write)
            }
        } catch {
            Console.error(error.message)
            return false
        }
        if let cut = trace.cut {
            Console.error(
                "spe-vm: the trace \(request.path) holds the run up to \(DurationText.describe(cut)) of platform time "
                    + "(\(trace.records.count) records); \(trace.leftOut) later records were left out: raise \(limit.flag) "
                    + "(now \(trace.limit)) to keep more")
        }
        return true
    }
}
