/// The virtual interrupts of a VCPU and its number of list registers.
///
/// Every virtual interrupt is a level-sensitive PPI whose level the hypervisor sets. The default
/// has the SPE interrupt (INTID 21, configurable per VM as KVM's IRQ attribute) and the virtual
/// timer (INTID 27), and 4 list registers.
public struct VirtualInterruptConfiguration: Sendable, Equatable {
    /// One virtual PPI.
    public struct Line: Sendable, Equatable {
        /// Its INTID (a PPI).
        public var intid: INTID
        /// Its priority.
        public var priority: Priority
        /// A line.
        public init(intid: INTID, priority: Priority = .defaultDevice) {
            self.intid = intid
            self.priority = priority
        }
    }

    /// The virtual SPE interrupt's INTID.
    public var speINTID: INTID
    /// The virtual interrupts, the SPE one and the timer first.
    public var lines: [Line]
    /// The number of list registers, 1...16.
    public var listRegisterCount: Int

    /// A configuration with the SPE interrupt, the virtual timer, and `additional` PPIs.
    public init(
        speINTID: INTID = .spePMBIRQ, timerINTID: INTID = .virtualTimer, listRegisterCount: Int = 4,
        additional: [Line] = []
    ) {
        self.speINTID = speINTID
        self.lines = [Line(intid: speINTID), Line(intid: timerINTID)] + additional
        self.listRegisterCount = listRegisterCount
    }

    /// Checks the configuration.
    /// - Throws: ``HostIRQError/listRegisterCountOutOfRange(_:)``,
    ///   ``HostIRQError/wrongInterruptKind(_:expected:)`` for a line that is not a PPI,
    ///   ``HostIRQError/duplicateVirtualInterrupt(_:)``.
    public func validate() throws(HostIRQError) {
        guard (1...16).contains(listRegisterCount) else { throw .listRegisterCountOutOfRange(listRegisterCount) }
        var seen: [INTID] = []
        for line in lines {
            guard line.intid.kind == .ppi else { throw .wrongInterruptKind(line.intid, expected: .ppi) }
            guard !seen.contains(line.intid) else { throw .duplicateVirtualInterrupt(line.intid) }
            seen.append(line.intid)
        }
    }
}
