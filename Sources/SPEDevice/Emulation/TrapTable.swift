/// How a guest's access to a register reaches it.
public enum AccessRoute: String, Hashable, Sendable {
    /// The guest reaches the hardware register directly; KVM does not see it.
    case direct
    /// The access traps to KVM (exception class 0x18), which handles it from the trap table.
    case trapped
    /// The register cannot be named at EL1 at all: the access is UNDEFINED without a trap.
    case undefined

    /// The route of a guest access to `register` in a VM with or without SPE (SPE.md §1): with SPE,
    /// the five buffer/ID registers trap (`E2PB = 0b10` plus fine-grained ID traps) and the sampling
    /// controls do not (`TPMS = 0`); without SPE everything traps (`TPMS = 1`, `E2PB = 0b00`) and is
    /// undefined. `ID_AA64DFR0_EL1` traps as every ID register does.
    public static func of(_ register: SPERegisterID, vmHasSPE: Bool) -> AccessRoute {
        if !register.isAccessibleFromEL1 { return .undefined }
        if register == .ID_AA64DFR0_EL1 || register.isTrappedForSPEGuest { return .trapped }
        return vmHasSPE ? .direct : .trapped
    }
}

/// One entry of the trap table: the register, how KVM handles a read and a write, and its reset.
public struct TrapEntry: Sendable {
    public typealias Read = @Sendable (inout VCPUSPEContext, KVMEnvironment, inout [SPEEvent]) -> UInt64
    public typealias Write = @Sendable (inout VCPUSPEContext, KVMEnvironment, UInt64, inout [SPEEvent]) -> TrapOutcome

    public let register: SPERegisterID
    /// The encoding the guest's `MRS`/`MSR` names.
    public var encoding: SystemRegisterEncoding { register.encoding }
    public var name: String { register.name }
    public let read: Read
    /// `nil` for a read-only register: a write is UNDEFINED.
    public let write: Write?
    public let reset: UInt64
}

/// KVM's table of trapped SPE registers, sorted by encoding and checked; an access to an encoding
/// without an entry injects an undefined-instruction exception.
public struct TrapTable: Sendable {
    /// The entries, sorted by encoding.
    public let entries: [TrapEntry]
    /// The entries' encodings as sort keys, in the same order: every trapped access searches them,
    /// and comparing keys does not copy entries (each holds two closures).
    private let keys: [UInt32]

    /// A table of `entries`, sorted by encoding.
    public init(_ entries: [TrapEntry]) {
        self.entries = entries.sorted { $0.encoding < $1.encoding }
        keys = self.entries.map(\.encoding.sortKey)
    }

    /// The defects of the table: duplicate encodings, or a register that should not trap here.
    public var problems: [String] {
        var found: [String] = []
        for (a, b) in zip(entries, entries.dropFirst()) where !(a.encoding < b.encoding) {
            found.append("\(a.name) and \(b.name) are not in strictly increasing encoding order")
        }
        for entry in entries where AccessRoute.of(entry.register, vmHasSPE: true) != .trapped {
            found.append("\(entry.name) is not a trapped register")
        }
        for entry in entries where entry.reset & entry.register.spec.res0Mask != 0 {
            found.append("\(entry.name) reset sets RES0 bits")
        }
        return found
    }

    /// The entry for `encoding` (binary search), if any.
    public func entry(for encoding: SystemRegisterEncoding) -> TrapEntry? {
        index(of: encoding).map { entries[$0] }
    }

    /// The position of the entry for `encoding` (binary search), if any.
    private func index(of encoding: SystemRegisterEncoding) -> Int? {
        let key = encoding.sortKey
        var low = 0
        var high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }

    /// Handles a trapped read or write of `encoding`.
    public func handle(
        _ encoding: SystemRegisterEncoding, write value: UInt64?, context: inout VCPUSPEContext, env: KVMEnvironment,
        events: inout [SPEEvent]
    ) -> TrapOutcome {
        guard let index = index(of: encoding) else { return .undefined }
        if let value {
            guard let write = entries[index].write else { return .undefined }
            context.spe.counters.trappedWrites += 1
            return write(&context, env, value, &events)
        }
        context.spe.counters.trappedReads += 1
        let result = entries[index].read(&context, env, &events)
        events.append(.guestRead(entries[index].register, result))
        return .read(result)
    }

    /// The table for a VM with SPE: the five trapped SPE registers and `ID_AA64DFR0_EL1`.
    public static let speGuest = TrapTable([
        TrapEntry(register: .PMBLIMITR_EL1, read: { c, _, _ in c.spe.memory.PMBLIMITR.rawValue },
            write: { c, env, value, events in c.guestWrite(.PMBLIMITR_EL1, value, env: env, events: &events) }, reset: 0),
        TrapEntry(register: .PMBPTR_EL1, read: { c, _, _ in c.spe.memory.PMBPTR.rawValue },
            write: { c, env, value, events in c.guestWrite(.PMBPTR_EL1, value, env: env, events: &events) }, reset: 0),
        TrapEntry(register: .PMBSR_EL1, read: { c, _, _ in c.spe.memory.PMBSR.rawValue },
            write: { c, env, value, events in c.guestWrite(.PMBSR_EL1, value, env: env, events: &events) }, reset: 0),
        TrapEntry(register: .PMBIDR_EL1, read: { c, env, _ in c.guestPMBIDR(env: env).rawValue }, write: nil, reset: 0),
        TrapEntry(register: .PMSIDR_EL1, read: { _, env, _ in guestPMSIDR(env: env).rawValue }, write: nil, reset: 0),
        TrapEntry(register: .ID_AA64DFR0_EL1,
            read: { _, _, _ in ID_AA64DFR0_EL1(rawValue: 0).with(PMSVer: .v1p2).rawValue }, write: nil, reset: 0),
    ])

    /// The table for a VM without SPE: only the ID register, which shows no SPE; every SPE register
    /// is undefined.
    public static let noSPEGuest = TrapTable([
        TrapEntry(register: .ID_AA64DFR0_EL1,
            read: { _, _, _ in ID_AA64DFR0_EL1(rawValue: 0).with(PMSVer: .notImplemented).rawValue }, write: nil,
            reset: 0)
    ])

    /// The table for `vm`.
    public static func forVM(hasSPE: Bool) -> TrapTable { hasSPE ? speGuest : noSPEGuest }

    private static func guestPMSIDR(env: KVMEnvironment) -> PMSIDR_EL1 {
        env.mutation == .pmsidrNotMasked ? env.vm.configuration.identification.PMSIDR : env.vm.configuration.guestPMSIDR
    }
}

extension VCPUSPEContext {
    /// The guest's `PMBIDR_EL1`: the hardware's with `MaxBuffSize` from the VMM and `P = 0`.
    func guestPMBIDR(env: KVMEnvironment) -> PMBIDR_EL1 {
        var value = env.vm.configuration.identification.PMBIDR
        if env.mutation == .pmbidrMaxSizeNotShown { return value }
        value.MaxBuffSize = spe.maxBufferSize.field
        value.P = false
        return value
    }

    /// A trapped guest write of a buffer register: update memory, count DEN0154 order violations,
    /// then act on the enable edge and the virtual line.
    mutating func guestWrite(_ id: SPERegisterID, _ value: UInt64, env: KVMEnvironment, events: inout [SPEEvent]) -> TrapOutcome {
        var wasEnabled = spe.isBufferEnabled
        let range = (spe.memory.PMBPTR.PTR, spe.memory.PMBLIMITR.rawValue)
        if id != .PMBLIMITR_EL1 && spe.memory.PMBLIMITR.E { spe.counters.driverOrderViolations += 1 }
        var raw = value
        // nVM is RES0 for a guest.
        if id == .PMBLIMITR_EL1 { raw &= ~PMBLIMITR_EL1.Layout.nVM.mask }
        setMemory(id, raw, cause: .guestWrite, events: &events)
        if env.mutation == .syndromeOverwritten, id == .PMBLIMITR_EL1, spe.memory.PMBLIMITR.E, spe.memory.PMBSR.S,
            let refusal = enableRefusal(ptr: spe.memory.PMBPTR.PTR, limit: spe.memory.limitAddress)
        {
            refuse(refusal, ptr: spe.memory.PMBPTR.PTR, env: env, events: &events)
        }
        // **Model decision:** a write that moves an enabled buffer (its pointer or limit) is a new
        // enable edge: KVM unpins the old range, then checks and pins the new one, so hardware never
        // runs a buffer that was not checked and pinned.
        if wasEnabled && spe.isBufferEnabled && range != (spe.memory.PMBPTR.PTR, spe.memory.PMBLIMITR.rawValue) {
            _ = reevaluate(wasEnabled: true, enabledNow: false, env: env, events: &events)
            wasEnabled = false
        }
        return reevaluate(wasEnabled: wasEnabled, env: env, events: &events) ?? .written
    }
}
