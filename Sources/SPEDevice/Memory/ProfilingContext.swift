/// A VCPU's identity: its VM and its index in the VM, both from 0.
public struct VCPUID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let vm: Int
    public let index: Int
    public init(vm: Int, index: Int) {
        self.vm = vm
        self.index = index
    }
    public static func < (a: Self, b: Self) -> Bool { (a.vm, a.index) < (b.vm, b.index) }
    /// `vm0.vcpu1`.
    public var description: String { "vm\(vm).vcpu\(index)" }
}

/// Who produced a sample, and so whose a byte of profiling data is: the host's session on a
/// physical CPU or a VCPU. This is the model's out-of-band truth, which Context packets (whose values
/// the guest chooses) cannot give.
public enum ProfilingContext: Hashable, Sendable, CustomStringConvertible {
    case host(cpu: Int)
    case guest(VCPUID)

    public var description: String {
        switch self {
        case .host(let cpu): "host.cpu\(cpu)"
        case .guest(let id): id.description
        }
    }
}
