import SPEDevice

/// Everything that can fail in VCPURuntime, one case per thing that failed, each with a message
/// that says what was wrong and what is allowed.
public enum RuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A guest script line is wrong.
    case script(line: Int, message: String)
    /// The model refused a configuration.
    case model(SPEDeviceError)
    /// A scenario is not a run that can be made (``Scenario/validate()``); the message starts with
    /// the setting at fault, by its scenario-file key (`vms[1].spu[0]: …`).
    case scenario(String)

    public var description: String {
        switch self {
        case .script(let line, let message): "line \(line): \(message)"
        case .model(let error): error.description
        case .scenario(let message): message
        }
    }
}
