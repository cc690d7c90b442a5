/// The kinds of interrupt identifier of a GICv3-style interrupt controller.
public enum InterruptKind: String, Sendable, Equatable, CustomStringConvertible {
    /// Software-generated interrupt, INTID 0...15: sent by software to one or more CPUs (kicks, IPIs).
    case sgi
    /// Private peripheral interrupt, INTID 16...31: one line per CPU (the SPE `PMBIRQ`, timers).
    case ppi
    /// Shared peripheral interrupt, INTID 32...1019: routed to one CPU.
    case spi
    /// INTID 1020...1023: special values, never an interrupt (1023 = spurious acknowledge).
    case special

    /// The kind's usual abbreviation.
    public var description: String { rawValue.uppercased() }

    var article: String { self == .sgi || self == .spi ? "an" : "a" }
}

/// An interrupt identifier (INTID) of the GIC, 0...1023.
///
/// Construct one with ``init(_:)``, ``sgi(_:)`` or ``ppi(_:)``; a number out of range is a
/// ``HostIRQError``. The well-known identifiers of the model are static members.
public struct INTID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The architectural interrupt number.
    public let rawValue: UInt32

    /// An INTID from its number, which may be special (1020...1023); fails above 1023.
    public init?(rawValue: UInt32) {
        guard rawValue <= 1023 else { return nil }
        self.rawValue = rawValue
    }

    /// An INTID that names an interrupt (0...1019).
    /// - Throws: ``HostIRQError/intidOutOfRange(_:)`` above 1023,
    ///   ``HostIRQError/intidReserved(_:)`` for 1020...1023.
    public init(_ number: UInt32) throws(HostIRQError) {
        guard number <= 1023 else { throw .intidOutOfRange(number) }
        guard number < 1020 else { throw .intidReserved(number) }
        self.rawValue = number
    }

    private init(unchecked number: UInt32) { self.rawValue = number }

    /// SGI `n` (INTID `n`), `n` in 0...15.
    public static func sgi(_ n: Int) throws(HostIRQError) -> INTID {
        guard (0...15).contains(n) else { throw .sgiNumberOutOfRange(n) }
        return INTID(unchecked: UInt32(n))
    }

    /// PPI `n` (INTID `16 + n`), `n` in 0...15.
    public static func ppi(_ n: Int) throws(HostIRQError) -> INTID {
        guard (0...15).contains(n) else { throw .ppiNumberOutOfRange(n) }
        return INTID(unchecked: UInt32(16 + n))
    }

    /// INTID 1023, what an acknowledge returns when nothing is pending and deliverable.
    public static let spurious = INTID(unchecked: 1023)
    /// SGI 0, the model's kick: sent to a physical CPU to make the VCPU running there exit.
    public static let kick = INTID(unchecked: 0)
    /// PPI 5 (INTID 21), the usual SPE management interrupt `PMBIRQ`, and the default virtual
    /// SPE interrupt.
    public static let spePMBIRQ = INTID(unchecked: 21)
    /// PPI 11 (INTID 27), the virtual timer interrupt.
    public static let virtualTimer = INTID(unchecked: 27)
    /// PPI 9 (INTID 25), the virtual interface's maintenance interrupt.
    public static let maintenance = INTID(unchecked: 25)
    /// PPI 10 (INTID 26), the EL2 (hypervisor) physical timer: the host's tick.
    public static let hypervisorTimer = INTID(unchecked: 26)
    /// PPI 6 (INTID 22), the model's VMM device: a virtual PPI the VMM raises into a guest (the
    /// source of the runtime's `kick-storm` fault). No other device of the model uses it.
    public static let vmmDevice = INTID(unchecked: 22)

    /// Which range the number falls in.
    public var kind: InterruptKind {
        switch rawValue {
        case 0...15: .sgi
        case 16...31: .ppi
        case 32...1019: .spi
        default: .special
        }
    }

    /// Whether the interrupt is banked per CPU (SGI or PPI).
    public var isPrivate: Bool { rawValue < 32 }

    /// `INTID 21 (PPI 5)`, `INTID 0 (SGI 0)`, `INTID 40 (SPI 8)`, `INTID 1023 (spurious)`.
    public var description: String {
        switch kind {
        case .sgi: "INTID \(rawValue) (SGI \(rawValue))"
        case .ppi: "INTID \(rawValue) (PPI \(rawValue - 16))"
        case .spi: "INTID \(rawValue) (SPI \(rawValue - 32))"
        case .special: rawValue == 1023 ? "INTID 1023 (spurious)" : "INTID \(rawValue) (special)"
        }
    }

    /// Ordered by number.
    public static func < (a: INTID, b: INTID) -> Bool { a.rawValue < b.rawValue }
}
