import Foundation
import Testing

/// What one run of the `spe-vm` binary did.
struct ToolResult: Sendable {
    let arguments: [String]
    let status: Int32
    /// False when the process ended by a signal (a trap or crash).
    let exitedNormally: Bool
    let stdout: String
    let stderr: String

    var stdoutLines: [String] { Self.lines(stdout) }
    var stderrLines: [String] { Self.lines(stderr) }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Errors of the test harness itself.
enum ToolProcessError: Error, CustomStringConvertible {
    case binaryNotFound(searched: [String])

    var description: String {
        switch self {
        case .binaryNotFound(let searched):
            "the spe-vm binary was not found next to the test bundle; build it with 'swift build' "
                + "(or set SPE_VM_BINARY). Looked in: \(searched.joined(separator: ", "))"
        }
    }
}

/// Runs the built `spe-vm` binary as a subprocess.
enum ToolProcess {
    /// The binary: `$SPE_VM_BINARY` if set, else `spe-vm` in the build directory that holds the
    /// test bundle (`.build/<config>/`), found from `Bundle.main` or the test runner's path.
    static func binary() throws -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["SPE_VM_BINARY"], !override.isEmpty {
            candidates.append(URL(fileURLWithPath: override))
        }
        var directories: [URL] = []
        let bundle = Bundle.main.bundleURL.standardizedFileURL
        directories += [bundle, bundle.deletingLastPathComponent()]
        for test in Bundle.allBundles where test.bundleURL.pathExtension == "xctest" {
            directories.append(test.bundleURL.standardizedFileURL.deletingLastPathComponent())
        }
        if let runner = CommandLine.arguments.first, !runner.isEmpty {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            let url = URL(fileURLWithPath: runner, relativeTo: cwd).standardizedFileURL.resolvingSymlinksInPath()
            var directory = url.deletingLastPathComponent()
            // Inside a macOS bundle the runner is .build/<config>/X.xctest/Contents/MacOS/X.
            for _ in 0..<4 {
                directories.append(directory)
                directory = directory.deletingLastPathComponent()
            }
        }
        candidates += directories.map { $0.appendingPathComponent("spe-vm") }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
        throw ToolProcessError.binaryNotFound(searched: candidates.map(\.path))
    }

    /// Runs `spe-vm arguments` to completion, its output captured through temporary files (no
    /// pipe can fill up and stall it).
    static func run(_ arguments: [String]) throws -> ToolResult {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("spe-vm-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return ToolResult(
            arguments: arguments,
            status: process.terminationStatus,
            exitedNormally: process.terminationReason == .exit,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Parses `text` as a JSON object.
    static func jsonObject(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "expected a JSON object, got: \(text.prefix(200))")
    }
}
