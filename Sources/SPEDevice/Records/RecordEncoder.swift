/// Writes an `SPERecord` as SPE packets in the model's layout (see `SPERecord`), followed by
/// Padding bytes (`0x00`) up to a multiple of the buffer's alignment (`2^PMBIDR_EL1.Align`).
///
/// Records are written on the SPE unit's hot path, so `encode(_:alignment:maxSize:into:)` appends
/// to a caller's buffer without allocating when the buffer has the capacity.
public enum RecordEncoder {
    /// The encoded record, padded: its length is the smallest multiple of `alignment` that holds
    /// `unpaddedSize(of: record)` bytes.
    ///
    /// - Parameters:
    ///   - alignment: `2^PMBIDR_EL1.Align` in bytes; must be at least 1.
    ///   - maxSize: `2^PMSIDR_EL1.MaxSize` in bytes. The model's largest record is 61 bytes, so any
    ///     `maxSize` of 64 or more always fits; a record that does not fit is a defect of the
    ///     model's layout and stops the program (`precondition`).
    /// - Precondition: `record.exceptionLevel <= 3` and `record.operation.operationClass.rawValue <= 3`
    ///   (they do not fit their packet fields otherwise).
    public static func encode(_ record: SPERecord, alignment: Int, maxSize: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(record, alignment: alignment, maxSize: maxSize, into: &bytes)
        return bytes
    }

    /// Appends the encoded, padded record to `buffer`; the same bytes as
    /// `encode(_:alignment:maxSize:)` with the same preconditions. The padding makes the appended
    /// length a multiple of `alignment`, whatever `buffer` held before.
    public static func encode(_ record: SPERecord, alignment: Int, maxSize: Int, into buffer: inout [UInt8]) {
        precondition(alignment >= 1, "record alignment must be at least 1 byte, got \(alignment)")
        let size = unpaddedSize(of: record)
        precondition(
            size <= maxSize,
            "an SPE record of \(size) bytes exceeds the maximum record size of \(maxSize) bytes")
        precondition(record.exceptionLevel <= 3, "exception level \(record.exceptionLevel) is not 0...3")
        precondition(
            record.operation.operationClass.rawValue <= 3,
            "operation class \(record.operation.operationClass.rawValue) does not fit an operation-type header")
        let padded = roundUp(size, toMultipleOf: alignment)
        buffer.reserveCapacity(buffer.count + padded)
        let start = buffer.count

        let pcPayload =
            (record.pc & RecordPacket.addressMask)
            | (UInt64(record.nonSecure ? 1 : 0) << 63)
            | (UInt64(record.exceptionLevel) << 61)
        append(header: RecordPacket.pcAddressHeader, payload: pcPayload, size: 8, to: &buffer)
        switch record.context {
        case .el1(let value)?:
            append(header: RecordPacket.contextEL1Header, payload: UInt64(value), size: 4, to: &buffer)
        case .el2(let value)?:
            append(header: RecordPacket.contextEL2Header, payload: UInt64(value), size: 4, to: &buffer)
        case nil:
            break
        }
        append(
            header: RecordPacket.operationTypeHeaderBase | record.operation.operationClass.rawValue,
            payload: UInt64(record.operation.subclass), size: 1, to: &buffer)
        let eventsSizeField = eventsSizeField(record.events)
        append(
            header: RecordPacket.eventsHeaderBase | eventsSizeField << 4,
            payload: record.events.rawValue, size: 1 << Int(eventsSizeField), to: &buffer)
        appendCounter(RecordPacket.totalLatencyHeader, record.totalLatency, to: &buffer)
        if let issue = record.issueLatency {
            appendCounter(RecordPacket.issueLatencyHeader, issue, to: &buffer)
        }
        if let translation = record.translationLatency {
            appendCounter(RecordPacket.translationLatencyHeader, translation, to: &buffer)
        }
        if let address = record.dataVirtualAddress {
            append(
                header: RecordPacket.dataVirtualAddressHeader, payload: address & RecordPacket.addressMask,
                size: 8, to: &buffer)
        }
        if let target = record.branchTarget {
            append(
                header: RecordPacket.branchTargetHeader, payload: target & RecordPacket.addressMask,
                size: 8, to: &buffer)
        }
        if let timestamp = record.timestamp {
            append(header: RecordPacket.timestampHeader, payload: timestamp, size: 8, to: &buffer)
        } else {
            buffer.append(RecordPacket.endHeader)
        }
        buffer.append(contentsOf: repeatElement(RecordPacket.paddingHeader, count: start + padded - buffer.count))
    }

    /// The record's length in bytes from its first packet through its End or Timestamp packet,
    /// without padding.
    public static func unpaddedSize(of record: SPERecord) -> Int {
        var size = 9 + 2 + 3  // PC address, operation type, total latency
        size += 1 + (1 << Int(eventsSizeField(record.events)))
        if record.context != nil { size += 5 }
        if record.issueLatency != nil { size += 3 }
        if record.translationLatency != nil { size += 3 }
        if record.dataVirtualAddress != nil { size += 9 }
        if record.branchTarget != nil { size += 9 }
        size += record.timestamp != nil ? 9 : 1
        return size
    }

    /// The record's length with padding: `unpaddedSize(of:)` rounded up to a multiple of
    /// `alignment` (at least 1).
    public static func paddedSize(of record: SPERecord, alignment: Int) -> Int {
        roundUp(unpaddedSize(of: record), toMultipleOf: alignment)
    }

    private static func roundUp(_ size: Int, toMultipleOf alignment: Int) -> Int {
        (size + alignment - 1) / alignment * alignment
    }

    /// The Events header's `sz` field: the smallest payload (1, 2, 4 or 8 bytes) holding every set bit.
    private static func eventsSizeField(_ events: SampleEvents) -> UInt8 {
        switch events.rawValue {
        case 0...0xFF: 0
        case 0x100...0xFFFF: 1
        case 0x1_0000...0xFFFF_FFFF: 2
        default: 3
        }
    }

    private static func appendCounter(_ header: UInt8, _ value: UInt16, to buffer: inout [UInt8]) {
        append(header: header, payload: UInt64(min(value, RecordPacket.counterMaximum)), size: 2, to: &buffer)
    }

    private static func append(header: UInt8, payload: UInt64, size: Int, to buffer: inout [UInt8]) {
        buffer.append(header)
        for byte in 0..<size {
            buffer.append(UInt8(truncatingIfNeeded: payload >> (8 * UInt64(byte))))
        }
    }
}
