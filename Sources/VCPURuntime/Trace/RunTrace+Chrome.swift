import HostIRQ
import SPEDevice

/// The trace as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and `chrome://tracing`
/// open: `{"displayTimeUnit": "ns", "metadata": {...}, "traceEvents": [...]}`, times in
/// microseconds with three decimals (exact nanoseconds).
///
/// - Process 1, "physical CPUs": a thread (track) per CPU (`cpuN`, tid N+1) with a complete slice
///   (`X`, category `guest`) per guest run, named after its VCPU with the exit's reason in its
///   arguments; instants (`i`) for the physical interrupts the host took (`irq`), the virtual
///   interrupts the guest took (`virq`) and the SPE unit's management events (`spe`); and a
///   counter (`C`) `run queue`, one series per CPU.
/// - Process 2, "VCPUs": a thread per VCPU (`vm0.vcpu1`, tid 10000 + its index in VM then VCPU
///   order) with an instant where each virtual interrupt it took was injected, and from there a
///   flow (`s` → `f`, binding to the enclosing slice) to the guest run that took it.
/// - Broken runtime rules are instants (`violation`) on their CPU's track (global without one).
///
/// Guest runs on one CPU never overlap: a CPU runs one guest at a time.
extension RunTrace {
    /// Process ids and the first thread id of the VCPUs' tracks.
    static let cpuProcess = 1
    static let vcpuProcess = 2
    static let vcpuThreadBase = 10_000

    /// The trace's JSON text, handed to `sink` in pieces of about 1 MiB. `metadata` is added to
    /// the trace's own (the tool's version, the command line).
    public func chromeTraceJSON<E: Error>(metadata extra: [String: String] = [:], _ sink: (ArraySlice<UInt8>) throws(E) -> Void)
        throws(E)
    {
        var out = ChromeJSONWriter()
        out.raw("{\"displayTimeUnit\":\"ns\",\"metadata\":")
        writeMetadata(extra, into: &out)
        out.raw(",\"traceEvents\":[\n")
        var first = true
        func separate(_ out: inout ChromeJSONWriter) {
            if first { first = false } else { out.raw(",\n") }
        }
        for event in trackNames() {
            separate(&out)
            out.raw("{\"ph\":\"M\",\"pid\":")
            out.integer(event.pid)
            if let tid = event.tid {
                out.raw(",\"tid\":")
                out.integer(tid)
            }
            out.raw(",\"name\":")
            out.string(event.name)
            out.raw(",\"args\":{")
            if event.name.hasSuffix("sort_index") {
                out.raw("\"sort_index\":")
                out.integer(event.sortIndex)
            } else {
                out.raw("\"name\":")
                out.string(event.value)
            }
            out.raw("}}")
        }
        let vcpuIndex = Dictionary(uniqueKeysWithValues: vcpus.enumerated().map { ($0.element, $0.offset) })
        // The injection halves of virtual interrupts lie earlier than their records: merged in by time.
        var raised: [(time: UInt64, record: Int)] = []
        for (index, record) in records.enumerated() {
            if case .virtualInterrupt(_, _, let at?) = record.event { raised.append((at, index)) }
        }
        raised.sort { $0.time != $1.time ? $0.time < $1.time : $0.record < $1.record }
        var flowIDs = [Int: Int]()
        flowIDs.reserveCapacity(raised.count)
        for (n, entry) in raised.enumerated() { flowIDs[entry.record] = n + 1 }
        var next = 0
        for (index, record) in records.enumerated() {
            while next < raised.count, raised[next].time <= record.time {
                separate(&out)
                writeInjection(of: records[raised[next].record], flow: flowIDs[raised[next].record]!, vcpuIndex, into: &out)
                next += 1
            }
            separate(&out)
            write(record, flow: flowIDs[index], vcpuIndex, into: &out)
            if out.count >= ChromeJSONWriter.chunk { try out.flush(sink) }
        }
        while next < raised.count {
            separate(&out)
            writeInjection(of: records[raised[next].record], flow: flowIDs[raised[next].record]!, vcpuIndex, into: &out)
            next += 1
        }
        for violation in runtimeViolations {
            separate(&out)
            out.raw("{\"ph\":\"i\",\"pid\":")
            out.integer(Self.cpuProcess)
            if let cpu = violation.cpu {
                out.raw(",\"tid\":")
                out.integer(cpu + 1)
                out.raw(",\"s\":\"t\"")
            } else {
                out.raw(",\"s\":\"g\"")
            }
            out.raw(",\"ts\":")
            out.microseconds(violation.time)
            out.raw(",\"cat\":\"violation\",\"name\":")
            out.string("violation: \(violation.rule)")
            out.raw(",\"args\":{\"detail\":")
            out.string(violation.description)
            out.raw("}}")
        }
        out.raw("\n]}\n")
        try out.flush(sink)
    }

    /// The whole JSON text (tests, small traces).
    public var chromeTraceJSON: String {
        var bytes: [UInt8] = []
        chromeTraceJSON { (piece: ArraySlice<UInt8>) in bytes.append(contentsOf: piece) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private struct TrackName {
        var pid: Int
        var tid: Int?
        var name: String
        var value = ""
        var sortIndex = 0
    }

    private func trackNames() -> [TrackName] {
        let clock = platform == .sim ? "virtual time" : "real clock"
        var names = [
            TrackName(pid: Self.cpuProcess, name: "process_name", value: "physical CPUs (spe-vm model, \(platform), \(clock))"),
            TrackName(pid: Self.cpuProcess, name: "process_sort_index", sortIndex: 0),
            TrackName(pid: Self.vcpuProcess, name: "process_name", value: "VCPUs (virtual interrupts injected)"),
            TrackName(pid: Self.vcpuProcess, name: "process_sort_index", sortIndex: 1),
        ]
        for cpu in 0..<cpus {
            names.append(TrackName(pid: Self.cpuProcess, tid: cpu + 1, name: "thread_name", value: "cpu\(cpu)"))
            names.append(TrackName(pid: Self.cpuProcess, tid: cpu + 1, name: "thread_sort_index", sortIndex: cpu))
        }
        for (index, vcpu) in vcpus.enumerated() {
            names.append(TrackName(pid: Self.vcpuProcess, tid: Self.vcpuThreadBase + index, name: "thread_name", value: vcpu.description))
            names.append(TrackName(pid: Self.vcpuProcess, tid: Self.vcpuThreadBase + index, name: "thread_sort_index", sortIndex: index))
        }
        return names
    }

    /// A value of the trace's metadata.
    private enum MetadataValue {
        case text(String)
        case number(UInt64)
        case flag(Bool)
        case none
        case texts([String])
        case numbers([(String, Int)])
    }

    private func writeMetadata(_ extra: [String: String], into out: inout ChromeJSONWriter) {
        let counts = counts
        var members: [String: MetadataValue] = [
            "note": .text(Self.note),
            "platform": .text(platform.rawValue),
            "clock": .text(platform == .sim
                ? "the simulated platform's virtual time, nanoseconds from the run's start"
                : "the live platform's monotonic clock, nanoseconds from the run's start"),
            "seed": .number(seed),
            "pcpus": .number(UInt64(cpus)),
            "vcpus": .number(UInt64(vcpus.count)),
            "end_ns": .number(endTime),
            "records": .number(UInt64(records.count)),
            "limit": .number(UInt64(limit)),
            "truncated": .flag(isTruncated),
            "cut_ns": cut.map { .number($0) } ?? .none,
            "left_out": .number(leftOut),
            "counts": .numbers([
                ("guest_runs", counts.guestRuns), ("physical_interrupts", counts.physicalInterrupts),
                ("virtual_interrupts", counts.virtualInterrupts), ("flows", counts.flows),
                ("management_events", counts.managementEvents), ("run_queue_samples", counts.runQueueSamples),
            ]),
            "violations": .texts(speViolations.map(\.description) + runtimeViolations.map(\.description)),
        ]
        for (key, value) in extra where members[key] == nil { members[key] = .text(value) }
        out.raw("{")
        for (n, key) in members.keys.sorted().enumerated() {
            if n > 0 { out.raw(",") }
            out.string(key)
            out.raw(":")
            switch members[key]! {
            case .text(let text): out.string(text)
            case .number(let number): out.integer(number)
            case .flag(let flag): out.raw(flag ? "true" : "false")
            case .none: out.raw("null")
            case .texts(let texts):
                out.raw("[")
                for (i, text) in texts.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(text)
                }
                out.raw("]")
            case .numbers(let numbers):
                out.raw("{")
                for (i, (name, number)) in numbers.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(name)
                    out.raw(":")
                    out.integer(number)
                }
                out.raw("}")
            }
        }
        out.raw("}")
    }

    /// What every trace says about its figures.
    public static let note =
        "The figures are the model's on this host (spe-vm's model of KVM arm64 guest SPE), not measurements of KVM or of hardware."

    /// The injection half of a virtual interrupt: an instant on its VCPU's track and a flow's start.
    private func writeInjection(of record: TraceRecord, flow: Int, _ vcpuIndex: [VCPUID: Int], into out: inout ChromeJSONWriter) {
        guard case .virtualInterrupt(let vcpu, let intid, let at?) = record.event else { return }
        let tid = Self.vcpuThreadBase + (vcpuIndex[vcpu] ?? 0)
        out.raw("{\"ph\":\"i\",\"s\":\"t\",\"pid\":")
        out.integer(Self.vcpuProcess)
        out.raw(",\"tid\":")
        out.integer(tid)
        out.raw(",\"ts\":")
        out.microseconds(at)
        out.raw(",\"cat\":\"virq\",\"name\":")
        out.string("vIRQ \(InterruptNames.name(intid.rawValue)) injected")
        out.raw(",\"args\":{\"intid\":")
        out.integer(intid.rawValue)
        out.raw("}},\n{\"ph\":\"s\",\"pid\":")
        out.integer(Self.vcpuProcess)
        out.raw(",\"tid\":")
        out.integer(tid)
        out.raw(",\"ts\":")
        out.microseconds(at)
        out.raw(",\"cat\":\"virq\",\"name\":\"vIRQ\",\"id\":")
        out.integer(flow)
        out.raw("}")
    }

    private func write(_ record: TraceRecord, flow: Int?, _ vcpuIndex: [VCPUID: Int], into out: inout ChromeJSONWriter) {
        let tid = record.cpu + 1
        switch record.event {
        case .guestRun(let vcpu, let end, let exit):
            out.raw("{\"ph\":\"X\",\"pid\":")
            out.integer(Self.cpuProcess)
            out.raw(",\"tid\":")
            out.integer(tid)
            out.raw(",\"ts\":")
            out.microseconds(record.time)
            out.raw(",\"dur\":")
            out.microseconds(end - record.time)
            out.raw(",\"cat\":\"guest\",\"name\":")
            out.string(vcpu.description)
            out.raw(",\"args\":{\"exit\":")
            out.string(exit.reason?.rawValue ?? "unknown")
            if let detail = exit.detail {
                out.raw(",\"detail\":")
                out.string(detail)
            }
            out.raw("}}")
        case .physicalInterrupt(let intid):
            instant(at: record.time, tid: tid, category: "irq", name: "IRQ \(InterruptNames.name(intid.rawValue))", into: &out)
            out.raw(",\"args\":{\"intid\":")
            out.integer(intid.rawValue)
            out.raw("}}")
        case .virtualInterrupt(let vcpu, let intid, let raisedAt):
            instant(at: record.time, tid: tid, category: "virq", name: "vIRQ \(InterruptNames.name(intid.rawValue))", into: &out)
            out.raw(",\"args\":{\"intid\":")
            out.integer(intid.rawValue)
            out.raw(",\"vcpu\":")
            out.string(vcpu.description)
            if let raisedAt {
                out.raw(",\"injected_ns_ago\":")
                out.integer(record.time &- raisedAt)
            }
            out.raw("}}")
            if let flow {
                out.raw(",\n{\"ph\":\"f\",\"bp\":\"e\",\"pid\":")
                out.integer(Self.cpuProcess)
                out.raw(",\"tid\":")
                out.integer(tid)
                out.raw(",\"ts\":")
                out.microseconds(record.time)
                out.raw(",\"cat\":\"virq\",\"name\":\"vIRQ\",\"id\":")
                out.integer(flow)
                out.raw("}")
            }
        case .managementEvent:
            instant(at: record.time, tid: tid, category: "spe", name: "SPE management event", into: &out)
            out.raw("}")
        case .runQueue(let depth):
            out.raw("{\"ph\":\"C\",\"pid\":")
            out.integer(Self.cpuProcess)
            out.raw(",\"tid\":")
            out.integer(tid)
            out.raw(",\"ts\":")
            out.microseconds(record.time)
            out.raw(",\"name\":\"run queue\",\"args\":{\"cpu")
            out.integer(record.cpu)
            out.raw("\":")
            out.integer(depth)
            out.raw("}}")
        }
    }

    /// An instant's opening, up to its name (the caller adds arguments and closes it).
    private func instant(at time: UInt64, tid: Int, category: StaticString, name: String, into out: inout ChromeJSONWriter) {
        out.raw("{\"ph\":\"i\",\"s\":\"t\",\"pid\":")
        out.integer(Self.cpuProcess)
        out.raw(",\"tid\":")
        out.integer(tid)
        out.raw(",\"ts\":")
        out.microseconds(time)
        out.raw(",\"cat\":\"")
        out.raw(category)
        out.raw("\",\"name\":")
        out.string(name)
    }
}

extension DecodedExit {
    /// What a trace shows of the exit besides its reason: the register and direction of a trapped
    /// access, the immediate of a hypercall, the interrupt of an IRQ exit.
    var detail: String? {
        switch self {
        case .sysreg(let encoding, let read):
            "\(RegisterTable.entry(encoding: encoding)?.spec.name ?? encoding.description) \(read ? "read" : "write")"
        case .hypercall(let immediate): "hvc #0x\(String(immediate, radix: 16))"
        case .irq(let intid): InterruptNames.label(intid.rawValue)
        case .unknown(let esr): "ESR_EL2 0x\(String(esr, radix: 16))"
        case .wfi, .maintenance, .preemption, .lockedMemory: nil
        }
    }
}

/// JSON text built as bytes: the trace's events are many and small, so they are written straight
/// into a buffer rather than built as values first.
struct ChromeJSONWriter {
    /// How many bytes the writer gathers before handing them on.
    static let chunk = 1 << 20
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(Self.chunk + 4096) }

    var count: Int { bytes.count }

    mutating func flush<E: Error>(_ sink: (ArraySlice<UInt8>) throws(E) -> Void) throws(E) {
        guard !bytes.isEmpty else { return }
        try sink(bytes[...])
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `nanoseconds` as microseconds with three decimals: exact.
    mutating func microseconds(_ nanoseconds: UInt64) {
        integer(nanoseconds / 1000)
        let fraction = nanoseconds % 1000
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// `text` as a JSON string.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
