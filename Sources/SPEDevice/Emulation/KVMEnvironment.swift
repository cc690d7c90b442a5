/// What KVM's SPE emulation needs besides the VCPU's context: its VM and the mutation, if any.
public struct KVMEnvironment: Sendable {
    public let vm: SPEVM
    public let mutation: SPEMutation?

    /// **Model decision:** virtual cost of pinning (and mapping at stage 2) one 4 KiB page, and of
    /// unpinning one.
    public static let pinNanosecondsPerPage: UInt64 = 250
    public static let unpinNanosecondsPerPage: UInt64 = 100

    public init(vm: SPEVM, mutation: SPEMutation? = nil) {
        self.vm = vm
        self.mutation = mutation
    }
}
