/// Everything that can fail in SPEDevice, one case per thing that failed, each with a message that
/// says what was wrong and what is allowed.
public enum SPEDeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A profiling buffer's bytes do not decode as SPE packets.
    case malformedRecord(offset: Int, reason: String)

    public var description: String {
        switch self {
        case .malformedRecord(let offset, let reason):
            return "malformed SPE record data at byte offset \(offset): \(reason)"
        }
    }
}
