/// The memory a profiling buffer lives in, as the SPE unit sees it through its owner's
/// translation.
///
/// A guest's space has two stages: stage 1 (the guest's own page tables, VA → IPA) and stage 2
/// (KVM's, IPA → host memory). **Model decision:** a guest's stage 1 maps VA to the same IPA, and
/// each VCPU has its own space (VCPUs share no buffer memory), so the unit of one CPU never writes
/// memory another CPU is writing. The host's space has one stage and translates everything it
/// mapped. Bytes are kept per 4 KiB page, created on first write; the ``shadow`` log says who wrote
/// them.
public struct AddressSpace: Hashable, Sendable {
    /// The translation granule.
    public static let pageSize: UInt64 = 4096

    /// Whose buffer memory this is.
    public let owner: ProfilingContext
    /// Whether accesses go through stage 2 after stage 1.
    public let hasStage2: Bool
    /// Pages mapped at stage 1.
    public private(set) var stage1 = PageRangeSet()
    /// Pages with memory behind them at stage 2 (a guest space only).
    public private(set) var stage2 = PageRangeSet()
    /// Who wrote which bytes.
    public private(set) var shadow = ShadowLog()
    private var pages: [UInt64: [UInt8]] = [:]

    /// An empty space for `owner`; a guest's has two stages.
    public init(owner: ProfilingContext) {
        self.owner = owner
        if case .guest = owner { hasStage2 = true } else { hasStage2 = false }
    }

    /// Maps `range` at stage 1 and, in a guest space, puts memory behind it at stage 2.
    public mutating func map(_ range: Range<UInt64>) {
        let pages = Self.pageAligned(range)
        stage1.insert(pages)
        if hasStage2 { stage2.insert(pages) }
    }

    /// Removes the stage 1 translation of `range`.
    public mutating func unmapStage1(_ range: Range<UInt64>) { stage1.remove(Self.pageAligned(range)) }

    /// Removes the memory behind `range` at stage 2 (what the VMM does when it takes guest memory away).
    public mutating func unmapStage2(_ range: Range<UInt64>) { stage2.remove(Self.pageAligned(range)) }

    /// Puts memory back behind `range` at stage 2 (the VMM returns what it took away); stage 1 is
    /// the guest's and stays as it is. A host space has no stage 2: nothing changes.
    public mutating func mapStage2(_ range: Range<UInt64>) {
        guard hasStage2 else { return }
        stage2.insert(Self.pageAligned(range))
    }

    /// The whole pages covering `range`.
    public static func pageAligned(_ range: Range<UInt64>) -> Range<UInt64> {
        let low = range.lowerBound & ~(pageSize - 1)
        let (sum, overflow) = range.upperBound.addingReportingOverflow(pageSize - 1)
        let high = overflow ? UInt64.max & ~(pageSize - 1) : sum & ~(pageSize - 1)
        return low..<max(low, high)
    }

    /// The first address in `range` without a translation, and the stage that lacks it.
    public func firstFault(in range: Range<UInt64>) -> TranslationFault? {
        if let missing = stage1.firstMissing(in: range) { return TranslationFault(stage: .stage1, address: missing) }
        if hasStage2, let missing = stage2.firstMissing(in: range) {
            return TranslationFault(stage: .stage2, address: missing)
        }
        return nil
    }

    /// Writes `bytes` at `address` through the translation, byte by byte, as the SPE unit does:
    /// the bytes before the first fault are written; the result says how many and where it faulted.
    public mutating func write(_ bytes: [UInt8], at address: UInt64, by writer: ProfilingContext) -> WriteResult {
        let (end, overflow) = address.addingReportingOverflow(UInt64(bytes.count))
        let fault = firstFault(in: address..<(overflow ? UInt64.max : end))
        let count = fault.map { Int($0.address - address) } ?? bytes.count
        var offset = 0
        while offset < count {
            let at = address + UInt64(offset)
            let page = at & ~(Self.pageSize - 1)
            let inPage = Int(at - page)
            let chunk = min(count - offset, Int(Self.pageSize) - inPage)
            var data = pages.removeValue(forKey: page) ?? [UInt8](repeating: 0, count: Int(Self.pageSize))
            for i in 0..<chunk { data[inPage + i] = bytes[offset + i] }
            pages[page] = data
            offset += chunk
        }
        shadow.record(address..<(address + UInt64(count)), by: writer)
        return WriteResult(written: count, fault: fault)
    }

    /// The bytes of `range` (unwritten bytes read as zero).
    public func read(_ range: Range<UInt64>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Int(clamping: range.upperBound - range.lowerBound))
        var at = range.lowerBound
        while at < range.upperBound {
            let page = at & ~(Self.pageSize - 1)
            let inPage = Int(at - page)
            let chunk = Int(min(range.upperBound - at, Self.pageSize - UInt64(inPage)))
            if let data = pages[page] {
                out.append(contentsOf: data[inPage..<(inPage + chunk)])
            } else {
                out.append(contentsOf: repeatElement(0, count: chunk))
            }
            at += UInt64(chunk)
        }
        return out
    }
}

/// A missing translation met while writing or walking a buffer.
public struct TranslationFault: Hashable, Sendable {
    /// The translation stage that lacks the page.
    public enum Stage: Hashable, Sendable {
        case stage1
        case stage2
    }
    public let stage: Stage
    /// The first byte without a translation.
    public let address: UInt64
}

/// What a write through the translation did.
public struct WriteResult: Hashable, Sendable {
    /// Bytes written before the fault, or all of them.
    public let written: Int
    /// The fault that stopped the write, if one did.
    public let fault: TranslationFault?
}
