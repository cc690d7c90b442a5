/// One record found by `RecordDecoder` in a profiling buffer.
public struct DecodedRecord: Hashable, Sendable {
    /// Byte offset of the record's first packet (its PC address packet), counted from the first
    /// byte given to the decoder.
    public var offset: Int
    /// Bytes from the record's first packet through its End or Timestamp packet, padding after it
    /// excluded. For a truncated record: the bytes of it present before the data ended.
    public var size: Int
    /// The decoded fields. In a truncated record, fields whose packets were not complete keep
    /// `SPERecord`'s defaults.
    public var record: SPERecord
    /// Whether the data ended inside this record (possible only for the last record, and only
    /// when the decoder was allowed a truncated tail, as after a `PMBSR_EL1.DL = 1` event).
    public var truncated: Bool

    /// A decoded record with every field given.
    public init(offset: Int, size: Int, record: SPERecord, truncated: Bool = false) {
        self.offset = offset
        self.size = size
        self.record = record
        self.truncated = truncated
    }
}
