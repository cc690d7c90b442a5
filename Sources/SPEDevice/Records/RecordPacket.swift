/// The kinds of SPE packet the model's records are made of, with their header bytes.
///
/// A header byte is `hi[7:6] sz[5:4] lo[3:0]`; a packet with a payload carries `1 << sz` bytes,
/// little-endian. Only the headers listed here are accepted by the decoder: everything else,
/// including architectural packets the model never writes (data physical address `0xB3`, counters
/// 3 and up), is malformed input.
enum RecordPacket: Equatable, Sendable {
    case padding
    case end
    case timestamp
    case contextEL1
    case contextEL2
    /// Events, with its payload size in bytes (1, 2, 4 or 8).
    case events(payloadSize: Int)
    case operationType(OperationClass)
    case pcAddress
    case branchTarget
    case dataVirtualAddress
    case totalLatency
    case issueLatency
    case translationLatency

    static let paddingHeader: UInt8 = 0x00
    static let endHeader: UInt8 = 0x01
    static let timestampHeader: UInt8 = 0x71
    static let contextEL1Header: UInt8 = 0x64
    static let contextEL2Header: UInt8 = 0x65
    /// The Events header with a one-byte payload; `| sz << 4` gives the wider ones.
    static let eventsHeaderBase: UInt8 = 0x42
    /// The operation-type header without its class bits.
    static let operationTypeHeaderBase: UInt8 = 0x48
    static let pcAddressHeader: UInt8 = 0xB0
    static let branchTargetHeader: UInt8 = 0xB1
    static let dataVirtualAddressHeader: UInt8 = 0xB2
    static let totalLatencyHeader: UInt8 = 0x98
    static let issueLatencyHeader: UInt8 = 0x99
    static let translationLatencyHeader: UInt8 = 0x9A

    /// Bits [55:0] of an address payload hold the address.
    static let addressMask: UInt64 = (1 << 56) - 1
    /// The largest value of the model's 12-bit saturating counters (`PMSIDR_EL1.CountSize` 0b0010).
    static let counterMaximum: UInt16 = 0x0FFF

    /// Classifies a header byte, or nil when the model's records never contain it.
    init?(header: UInt8) {
        switch header {
        case Self.paddingHeader: self = .padding
        case Self.endHeader: self = .end
        case Self.timestampHeader: self = .timestamp
        case Self.contextEL1Header: self = .contextEL1
        case Self.contextEL2Header: self = .contextEL2
        case 0x42, 0x52, 0x62, 0x72: self = .events(payloadSize: 1 << Int((header >> 4) & 0x3))
        case 0x48...0x4B: self = .operationType(OperationClass(rawValue: header & 0x3))
        case Self.pcAddressHeader: self = .pcAddress
        case Self.branchTargetHeader: self = .branchTarget
        case Self.dataVirtualAddressHeader: self = .dataVirtualAddress
        case Self.totalLatencyHeader: self = .totalLatency
        case Self.issueLatencyHeader: self = .issueLatency
        case Self.translationLatencyHeader: self = .translationLatency
        default: return nil
        }
    }

    /// Bytes after the header.
    var payloadSize: Int {
        switch self {
        case .padding, .end: 0
        case .operationType: 1
        case .totalLatency, .issueLatency, .translationLatency: 2
        case .contextEL1, .contextEL2: 4
        case .events(let size): size
        case .timestamp, .pcAddress, .branchTarget, .dataVirtualAddress: 8
        }
    }

    /// Whether this packet ends a record.
    var endsRecord: Bool { self == .end || self == .timestamp }

    /// One bit per field a packet sets, so a decoder can refuse a field given twice. Both Context
    /// packets share a bit: a record has one context.
    var fieldBit: UInt16 {
        switch self {
        case .padding: 0
        case .end, .timestamp: 1 << 0
        case .contextEL1, .contextEL2: 1 << 1
        case .events: 1 << 2
        case .operationType: 1 << 3
        case .pcAddress: 1 << 4
        case .branchTarget: 1 << 5
        case .dataVirtualAddress: 1 << 6
        case .totalLatency: 1 << 7
        case .issueLatency: 1 << 8
        case .translationLatency: 1 << 9
        }
    }

    /// A name for error messages.
    var name: String {
        switch self {
        case .padding: "Padding"
        case .end: "End"
        case .timestamp: "Timestamp"
        case .contextEL1: "Context (CONTEXTIDR_EL1)"
        case .contextEL2: "Context (CONTEXTIDR_EL2)"
        case .events: "Events"
        case .operationType: "operation-type"
        case .pcAddress: "PC address"
        case .branchTarget: "branch-target address"
        case .dataVirtualAddress: "data virtual address"
        case .totalLatency: "total-latency counter"
        case .issueLatency: "issue-latency counter"
        case .translationLatency: "translation-latency counter"
        }
    }
}

extension RecordPacket {
    /// `value` as `0x` and exactly `digits` lowercase hexadecimal digits (more if it needs them).
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
