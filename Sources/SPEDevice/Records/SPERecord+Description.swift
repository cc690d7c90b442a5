/// One-line `key=value` descriptions of records, for traces, test failures and the tool's output.
///
/// A record reads, fields in this fixed order, optional ones omitted when nil:
/// `context=el1:0x00000101 pc=0x0000000000401000 el=0 ns=1 type=load-store/0x00
/// events=retired,l1d-access latency=12 issue=3 translation=4 va=0x0000000080001000
/// target=0x0000000000402000 ts=1234`. A decoded record adds `offset=… size=…` in front and
/// ` truncated` at the end when it is. Addresses are 16 hex digits, contexts 8, subclasses 2;
/// latencies and timestamps are decimal; `ns` is 0 or 1.
extension SPERecord: CustomStringConvertible {
    /// The record's fields as `key=value` pairs separated by single spaces.
    public var description: String {
        var fields: [String] = []
        if let context { fields.append("context=\(context)") }
        fields.append("pc=\(RecordPacket.hex(pc, digits: 16))")
        fields.append("el=\(exceptionLevel)")
        fields.append("ns=\(nonSecure ? 1 : 0)")
        fields.append("type=\(operation)")
        fields.append("events=\(events)")
        fields.append("latency=\(totalLatency)")
        if let issueLatency { fields.append("issue=\(issueLatency)") }
        if let translationLatency { fields.append("translation=\(translationLatency)") }
        if let dataVirtualAddress { fields.append("va=\(RecordPacket.hex(dataVirtualAddress, digits: 16))") }
        if let branchTarget { fields.append("target=\(RecordPacket.hex(branchTarget, digits: 16))") }
        if let timestamp { fields.append("ts=\(timestamp)") }
        return fields.joined(separator: " ")
    }
}

extension DecodedRecord: CustomStringConvertible {
    /// `offset=<decimal> size=<decimal>`, the record's description, then ` truncated` if it is.
    public var description: String {
        "offset=\(offset) size=\(size) \(record)" + (truncated ? " truncated" : "")
    }
}

extension RecordContext: CustomStringConvertible {
    /// `el1:0x…` or `el2:0x…` with 8 hex digits.
    public var description: String {
        switch self {
        case .el1(let value): "el1:\(RecordPacket.hex(UInt64(value), digits: 8))"
        case .el2(let value): "el2:\(RecordPacket.hex(UInt64(value), digits: 8))"
        }
    }
}

extension OperationClass: CustomStringConvertible {
    /// `other`, `load-store`, `branch`, or `class-<n>` for a reserved class.
    public var description: String {
        switch self {
        case .other: "other"
        case .loadStore: "load-store"
        case .branch: "branch"
        default: "class-\(rawValue)"
        }
    }
}

extension OperationType: CustomStringConvertible {
    /// `<class>/0x<subclass as 2 hex digits>`, for example `load-store/0x00`.
    public var description: String { "\(operationClass)/\(RecordPacket.hex(UInt64(subclass), digits: 2))" }
}

extension SampleEvents: CustomStringConvertible {
    /// The set events' names, lowest bit first, separated by commas (`retired,l1d-access`);
    /// unnamed bits read `bit-<n>`; no events read `none`.
    public var description: String {
        guard rawValue != 0 else { return "none" }
        var names: [String] = []
        for bit in 0..<64 where rawValue >> UInt64(bit) & 1 != 0 {
            names.append(bit < Self.names.count ? Self.names[bit] : "bit-\(bit)")
        }
        return names.joined(separator: ",")
    }

    /// The names of bits 0 upward.
    private static let names = [
        "exception", "retired", "l1d-access", "l1d-refill", "tlb-access", "tlb-walk", "not-taken",
        "mispredicted", "llc-access", "llc-miss",
    ]
}
