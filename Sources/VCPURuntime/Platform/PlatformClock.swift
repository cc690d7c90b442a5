import HostIRQ

/// The platform's clock as HostIRQ's clock, so interrupt latencies are in platform time.
public struct PlatformClock: IRQClock {
    public let platform: any Platform
    public init(_ platform: any Platform) { self.platform = platform }
    public func now() -> UInt64 { platform.now() }
}
