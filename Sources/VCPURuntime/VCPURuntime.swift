/// VCPURuntime: platforms, physical CPUs, VCPU actors, the host scheduler and the guest model.
public enum VCPURuntimeModule {
    /// The module's name, for reports.
    public static let name = "VCPURuntime"
}
