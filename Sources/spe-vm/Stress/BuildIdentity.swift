import Foundation

/// Which build of the tool is running: its version, whether it is a debug or a release build, and
/// a hash of its executable file. A seed replays only on the build that found it (the optimizer
/// changes which jobs a simulated run has, so debug and release schedule differently), so a replay
/// file records the build and `spe-vm replay` refuses another.
struct BuildIdentity: Hashable, Sendable, CustomStringConvertible {
    let version: String
    /// `debug` or `release`.
    let configuration: String
    /// `fnv1a64:` and 16 hex digits: a hash of the executable's bytes, which any rebuild changes.
    let executable: String

    /// The running tool's.
    static let current = BuildIdentity(
        version: Tool.version, configuration: configuration, executable: executableHash() ?? "unknown")

    #if DEBUG
        static let configuration = "debug"
    #else
        static let configuration = "release"
    #endif

    var description: String { "\(version), \(configuration) build, executable \(executable)" }

    /// The hash of the running executable's file, nil if it cannot be read.
    private static func executableHash() -> String? {
        #if os(Linux)
            let path = "/proc/self/exe"
        #else
            guard let path = Bundle.main.executablePath else { return nil }
        #endif
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return "fnv1a64:" + String(format: "%016llx", hash(data))
    }

    /// FNV-1a over the bytes taken eight at a time (a fingerprint to notice another build, not a
    /// defence against forgery), then the length.
    static func hash(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for index in 0..<words {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) &* prime
            }
            for index in (words * 8)..<raw.count { hash = (hash ^ UInt64(raw[index])) &* prime }
        }
        return (hash ^ UInt64(data.count)) &* prime
    }
}
