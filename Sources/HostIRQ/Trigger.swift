/// How an interrupt line signals: by level or by edge.
public enum Trigger: String, Sendable, Equatable, CustomStringConvertible {
    /// Pending exactly while the line is high (the SPE `PMBIRQ` follows `PMBSR_EL1.S`). A level
    /// interrupt still high after end-of-interrupt is pending again; one lowered before it is
    /// acknowledged is no longer pending.
    case level
    /// Pending once per rising edge (SGIs). An edge raised while the interrupt is active is
    /// remembered and taken again after end-of-interrupt; edges raised while already pending
    /// merge into one.
    case edge

    /// `level` or `edge`.
    public var description: String { rawValue }
}
