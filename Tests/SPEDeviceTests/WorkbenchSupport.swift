import Testing
@testable import SPEDevice

/// Shared set-up for the tests that drive the model through ``SPEWorkbench``.
enum Bench {
    static let base: UInt64 = 0x20_0000

    /// A workbench of two CPUs with one SPE VM and one VCPU loaded on CPU 0.
    static func make(maxBufferSize: UInt64 = 0, lockedMemoryLimit: UInt64 = .max, hidden: [PMSIDRFeature] = [])
        throws -> (SPEWorkbench, Int)
    {
        var wb = SPEWorkbench(cpus: 2)
        let vm = wb.addVM(SPEVMConfiguration(hiddenFeatures: hidden), lockedMemoryLimit: lockedMemoryLimit)
        let v = try wb.addVCPU(vm: vm, maxBufferSize: maxBufferSize)
        try wb.load(v, on: 0)
        return (wb, v)
    }

    /// The guest writes `PMBPTR_EL1 = ptr`, then `PMBLIMITR_EL1` with `LIMIT = limit` and `E = 1`.
    static func enable(_ wb: inout SPEWorkbench, _ v: Int, ptr: UInt64, limit: UInt64) throws {
        try wb.write(v, .PMBPTR_EL1, ptr)
        try wb.write(v, .PMBLIMITR_EL1, limitr(limit, enabled: true))
    }

    static func limitr(_ limit: UInt64, enabled: Bool) -> UInt64 {
        var value = PMBLIMITR_EL1(rawValue: 0)
        value.LIMIT = limit >> 12
        value.E = enabled
        return value.rawValue
    }

    /// A short name of an event, with the values the world-switch order cares about.
    static func kind(_ event: SPEEvent) -> String {
        switch event {
        case .entryBegan: "entryBegan"
        case .guestEntered: "guestEntered"
        case .exitBegan: "exitBegan"
        case .exitEnded: "exitEnded"
        case .interruptsMasked(let on): "masked(\(on))"
        case .ownerChanged(let owner, let tpms): "owner(\(owner), tpms: \(tpms))"
        case .stage2Changed(let on): "stage2(\(on))"
        case .hostSessionSaved: "hostSessionSaved"
        case .hostSessionRestoring: "hostSessionRestoring"
        case .hostSessionRestored: "hostSessionRestored"
        case .guestControlsLoaded: "guestControlsLoaded"
        case .guestControlsSaved: "guestControlsSaved"
        case .hardwareWrite(let id, let value):
            switch id {
            case .PMSCR_EL2: "hw PMSCR_EL2 E2SPE=\(value >> 1 & 1)"
            case .PMBLIMITR_EL1: "hw PMBLIMITR_EL1 E=\(value & 1)"
            case .PMBSR_EL1: "hw PMBSR_EL1=\(hex64(value))"
            default: "hw \(id)"
            }
        case .drained: "drained"
        case .pmbirqChanged(let level): "pmbirq(\(level))"
        case .memoryChanged(let id, _, _, let cause): "memory \(id) \(cause)"
        case .virtualLineSet(let level): "virtualLine(\(level))"
        case .pinned: "pinned"
        case .unpinned: "unpinned"
        case .sampled: "sampled"
        case .recordWritten: "recordWritten"
        case .sampleDropped(let reason, _): "dropped(\(reason))"
        case .managementEvent: "managementEvent"
        case .guestRead(let id, _): "guestRead \(id)"
        case .bufferConsumed: "bufferConsumed"
        case .foreignBytesConsumed: "foreignBytesConsumed"
        }
    }

    /// The kinds of `events` from the last event whose kind is `start`.
    static func kinds(since start: String, in events: [SPEEvent]) -> [String] {
        let all = events.map(kind)
        guard let at = all.lastIndex(of: start) else { return [] }
        return Array(all[at...])
    }

    static let controlWrites = [
        "hw PMSCR_EL1", "hw PMSNEVFR_EL1", "hw PMSICR_EL1", "hw PMSIRR_EL1", "hw PMSFCR_EL1", "hw PMSEVFR_EL1",
        "hw PMSLATFR_EL1",
    ]
}
