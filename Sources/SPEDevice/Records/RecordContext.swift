/// The payload of an SPE Context packet: the `CONTEXTIDR` value current when the operation was
/// sampled.
///
/// The value is chosen by the software that owns the buffer, so it labels a record for a reader
/// but proves nothing about who produced it; the model tracks ownership out of band.
public enum RecordContext: Hashable, Sendable {
    /// `CONTEXTIDR_EL1`, packet header `0x64`.
    case el1(UInt32)
    /// `CONTEXTIDR_EL2`, packet header `0x65`.
    case el2(UInt32)
}
