/// SPEDevice: the SPE architecture, KVM's per-VCPU SPE emulation and the per-CPU world switch.
public enum SPEDeviceModule {
    /// The module's name, for reports.
    public static let name = "SPEDevice"
}
