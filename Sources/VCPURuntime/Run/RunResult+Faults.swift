extension RunResult {
    /// Faults the run injected, by kind.
    ///
    /// None yet: fault injection (``Scenario/faults``) is being built in parallel and will count
    /// what it injects; until it lands, every count is zero.
    public var injectedFaults: [FaultKind: UInt64] { [:] }
}
