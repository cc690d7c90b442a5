import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading a file the user names (a scenario, a replay file): only a regular file of bounded size
/// (a device such as `/dev/zero` would be read for ever), symlinks followed. Writing one (a trace):
/// atomically, so a failure leaves no half-written file.
enum TextFile {
    /// The text of the file at `path`, nil when it is not UTF-8; a file that cannot be read is an
    /// ``ToolError/unreadableFile(path:reason:)`` saying why.
    static func read(path: String, maximumSize: Int) throws(ToolError) -> String? {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(path: path, reason: "it is a directory") }
        let values = try? url.resolvingSymlinksInPath().resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
        guard values?.isRegularFile == true else {
            throw .unreadableFile(path: path, reason: "it is not a regular file")
        }
        guard (values?.fileSize ?? 0) <= maximumSize else {
            throw .unreadableFile(path: path, reason: "it is larger than \(maximumSize >> 20) MiB")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        return String(data: data, encoding: .utf8)
    }

    /// Checks, before a long run, that ``writeAtomically(to:_:)`` can put a file at `path`: it
    /// is not a directory or another kind of non-regular file, and its directory exists and takes
    /// new files. A problem is an ``ToolError/unwritableFile(path:reason:)`` saying which.
    static func checkWritable(path: String) throws(ToolError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw .unwritableFile(path: path, reason: "it is a directory") }
            let values = try? target.resourceValues(forKeys: [.isRegularFileKey])
            guard values?.isRegularFile == true else {
                throw .unwritableFile(path: path, reason: "it exists and is not a regular file")
            }
        }
        let directory = target.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .unwritableFile(path: path, reason: "no such directory '\(directory)'")
        }
        guard isDirectory.boolValue else { throw .unwritableFile(path: path, reason: "'\(directory)' is not a directory") }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw .unwritableFile(path: path, reason: "cannot create files in '\(directory)': \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `data` to `path` atomically (``writeAtomically(to:_:)``).
    static func writeAtomically(_ data: Data, to path: String) throws(ToolError) {
        try writeAtomically(to: path) { (write: (ArraySlice<UInt8>) throws(ToolError) -> Void) throws(ToolError) in
            try write(ArraySlice(data))
        }
    }

    /// Writes the file at `path` from the pieces `produce` hands its writer, atomically: into a
    /// new file beside it, renamed over `path` only once every byte is written, so `path` holds the
    /// old file or the whole new one, never part of it; on a failure the new file is removed. A
    /// symlink at `path` is followed (its target is replaced).
    static func writeAtomically(
        to path: String, _ produce: (_ write: (ArraySlice<UInt8>) throws(ToolError) -> Void) throws(ToolError) -> Void
    ) throws(ToolError) {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let directory = target.deletingLastPathComponent().path
        var template = Array((directory + "/." + target.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path, "cannot create a file in '\(directory)'") }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        do throws(ToolError) {
            guard fchmod(fd, 0o644) == 0 else { throw failure(path, "cannot set its permissions") }
            try produce { (piece: ArraySlice<UInt8>) throws(ToolError) in
                let written = piece.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            return false
                        }
                        offset += n
                    }
                    return true
                }
                guard written else { throw failure(path, "writing failed") }
            }
            // Flushed before the rename, so a crash after it cannot leave the name on an empty file.
            guard fsync(fd) == 0 else { throw failure(path, "writing failed") }
            closed = true
            guard close(fd) == 0 else { throw failure(path, "writing failed") }
            guard rename(temporary, target.path) == 0 else { throw failure(path, "cannot replace it") }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// An unwritable-file error with `what` and the system's reason (`errno`).
    private static func failure(_ path: String, _ what: String) -> ToolError {
        .unwritableFile(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
    }
}
