/// Reads the records in a profiling buffer's bytes: the inverse of `RecordEncoder`.
///
/// Padding bytes (`0x00`) between records are skipped; a record starts at the first other byte,
/// which must be a PC address packet (`0xB0`), and runs through its End (`0x01`) or Timestamp
/// (`0x71`) packet. Inside a record, the packets after the PC may come in any order, each at most
/// once (Padding packets are allowed and count towards the record's size); a complete record must
/// hold an operation-type, an Events and a total-latency counter packet. Offsets in errors and
/// results count from the first byte given.
///
/// Every malformation throws `SPEDeviceError.malformedRecord(offset:reason:)`; no input traps:
/// - a header byte the model never writes (offset of that byte);
/// - a record not starting with a PC address packet (offset of its first byte);
/// - a field given twice in one record (offset of the second packet);
/// - a packet that would end more than `maxSize` bytes after its record's start (offset of that
///   packet);
/// - a complete record missing a mandatory packet (offset of the record);
/// - when `allowTruncatedTail` is false, data ending inside a record: the offset of the packet
///   whose payload runs past the end, or the end of the data when it ends between two packets.
///
/// When `allowTruncatedTail` is true, data ending inside a record (after at least its first
/// header byte) gives that record with `truncated == true` instead, as the buffer may after a
/// `PMBSR_EL1.DL = 1` event. Since every record starts with a non-zero byte, a cut can never leave
/// a record present only as zero bytes: zero bytes at the end are always padding.
///
/// Payload values are taken as the packet format defines them: counter payloads keep all 16 bits
/// (the model's encoder never writes more than 4095), address payloads keep bits [55:0] (the top
/// byte is read only for the PC's NS and EL bits), and a reserved operation class (3) or Events
/// bits without a name are kept as they are.
public enum RecordDecoder {
    /// The records in `bytes`, in order.
    ///
    /// - Parameters:
    ///   - maxSize: `2^PMSIDR_EL1.MaxSize`, the largest record in bytes.
    ///   - allowTruncatedTail: whether the data may end inside its last record.
    public static func decode(
        _ bytes: [UInt8], maxSize: Int, allowTruncatedTail: Bool
    ) throws(SPEDeviceError) -> [DecodedRecord] {
        try decode(bytes[...], maxSize: maxSize, allowTruncatedTail: allowTruncatedTail)
    }

    /// The records in `bytes`, in order; offsets count from `bytes.startIndex`.
    ///
    /// - Parameters:
    ///   - maxSize: `2^PMSIDR_EL1.MaxSize`, the largest record in bytes.
    ///   - allowTruncatedTail: whether the data may end inside its last record.
    public static func decode(
        _ bytes: ArraySlice<UInt8>, maxSize: Int, allowTruncatedTail: Bool
    ) throws(SPEDeviceError) -> [DecodedRecord] {
        var records: [DecodedRecord] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            if bytes[position] == RecordPacket.paddingHeader {
                position += 1
                continue
            }
            let decoded = try decodeRecord(
                bytes, at: position, maxSize: maxSize, allowTruncatedTail: allowTruncatedTail)
            records.append(decoded)
            position += decoded.size
        }
        return records
    }

    /// The record whose first byte is at index `start` of `bytes`.
    private static func decodeRecord(
        _ bytes: ArraySlice<UInt8>, at start: Int, maxSize: Int, allowTruncatedTail: Bool
    ) throws(SPEDeviceError) -> DecodedRecord {
        let base = bytes.startIndex
        let recordOffset = start - base
        guard bytes[start] == RecordPacket.pcAddressHeader else {
            throw .malformedRecord(
                offset: recordOffset,
                reason: "a record must start with a PC address packet (header "
                    + RecordPacket.hex(UInt64(RecordPacket.pcAddressHeader), digits: 2) + "), found "
                    + describe(header: bytes[start]))
        }
        var record = SPERecord()
        var seen: UInt16 = 0
        var position = start
        while position < bytes.endIndex {
            let header = bytes[position]
            guard let packet = RecordPacket(header: header) else {
                throw .malformedRecord(
                    offset: position - base,
                    reason: "unknown packet \(describe(header: header)) in the record at offset \(recordOffset)")
            }
            guard packet.fieldBit & seen == 0 else {
                throw .malformedRecord(
                    offset: position - base,
                    reason: "a second \(packet.name) packet in the record at offset \(recordOffset)")
            }
            seen |= packet.fieldBit
            let packetEnd = position + 1 + packet.payloadSize
            guard packetEnd - start <= maxSize else {
                throw .malformedRecord(
                    offset: position - base,
                    reason: "the record at offset \(recordOffset) is longer than the maximum record size of "
                        + "\(maxSize) bytes (its \(packet.name) packet ends \(packetEnd - start) bytes in)")
            }
            guard packetEnd <= bytes.endIndex else {
                guard allowTruncatedTail else {
                    throw .malformedRecord(
                        offset: position - base,
                        reason: "the \(packet.name) packet needs \(packet.payloadSize) payload bytes but only "
                            + "\(bytes.endIndex - position - 1) remain (record at offset \(recordOffset))")
                }
                return DecodedRecord(
                    offset: recordOffset, size: bytes.endIndex - start, record: record, truncated: true)
            }
            var payload: UInt64 = 0
            for index in 0..<packet.payloadSize {
                payload |= UInt64(bytes[position + 1 + index]) << (8 * UInt64(index))
            }
            apply(packet, payload: payload, to: &record)
            if packet.endsRecord {
                try checkMandatoryPackets(
                    seen, recordOffset: recordOffset, terminator: packet, terminatorOffset: position - base)
                return DecodedRecord(offset: recordOffset, size: packetEnd - start, record: record)
            }
            position = packetEnd
        }
        guard allowTruncatedTail else {
            throw .malformedRecord(
                offset: position - base,
                reason: "the data ends before the End or Timestamp packet of the record at offset \(recordOffset)")
        }
        return DecodedRecord(offset: recordOffset, size: position - start, record: record, truncated: true)
    }

    private static func apply(_ packet: RecordPacket, payload: UInt64, to record: inout SPERecord) {
        switch packet {
        case .padding, .end:
            break
        case .timestamp:
            record.timestamp = payload
        case .contextEL1:
            record.context = .el1(UInt32(truncatingIfNeeded: payload))
        case .contextEL2:
            record.context = .el2(UInt32(truncatingIfNeeded: payload))
        case .events:
            record.events = SampleEvents(rawValue: payload)
        case .operationType(let operationClass):
            record.operation = OperationType(operationClass, subclass: UInt8(truncatingIfNeeded: payload))
        case .pcAddress:
            record.pc = payload & RecordPacket.addressMask
            record.nonSecure = payload >> 63 != 0
            record.exceptionLevel = UInt8(truncatingIfNeeded: (payload >> 61) & 0x3)
        case .branchTarget:
            record.branchTarget = payload & RecordPacket.addressMask
        case .dataVirtualAddress:
            record.dataVirtualAddress = payload & RecordPacket.addressMask
        case .totalLatency:
            record.totalLatency = UInt16(truncatingIfNeeded: payload)
        case .issueLatency:
            record.issueLatency = UInt16(truncatingIfNeeded: payload)
        case .translationLatency:
            record.translationLatency = UInt16(truncatingIfNeeded: payload)
        }
    }

    /// The packets besides the PC every complete record must hold.
    private static let mandatoryPackets: [RecordPacket] = [.operationType(.other), .events(payloadSize: 1), .totalLatency]

    private static func checkMandatoryPackets(
        _ seen: UInt16, recordOffset: Int, terminator: RecordPacket, terminatorOffset: Int
    ) throws(SPEDeviceError) {
        for packet in mandatoryPackets where seen & packet.fieldBit == 0 {
            throw .malformedRecord(
                offset: recordOffset,
                reason: "the record at offset \(recordOffset) has no \(packet.name) packet before its "
                    + "\(terminator.name) packet at offset \(terminatorOffset)")
        }
    }

    /// `0xNN`, with the packet's name when the model knows it.
    private static func describe(header: UInt8) -> String {
        let hex = RecordPacket.hex(UInt64(header), digits: 2)
        guard let packet = RecordPacket(header: header) else { return "header \(hex)" }
        return "header \(hex) (\(packet.name))"
    }
}
