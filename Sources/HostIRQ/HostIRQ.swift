/// HostIRQ: the host interrupt controller of spe-vm (physical SGIs and PPIs per CPU, virtual
/// interrupts per VCPU, kicks). See the module documentation for an overview.
public enum HostIRQModule {
    /// The module's name, for reports.
    public static let name = "HostIRQ"
}
