import Foundation

/// Reading a file the user names (a scenario, a replay file): only a regular file of bounded size
/// (a device such as `/dev/zero` would be read for ever), symlinks followed. Writing one (a plot):
/// atomically, so a reader never sees half a file and a failure leaves nothing behind.
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

    /// Writes `data` to `path` atomically: into a new hidden file in the same directory, flushed to
    /// the disk, then renamed over `path` (a rename within one file system replaces the name in
    /// one step). On any failure the temporary file is removed, `path` is left as it was, and the
    /// error is an ``ToolError/unwritableFile(path:reason:)`` saying why.
    static func writeAtomically(_ data: Data, to path: String) throws(ToolError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .unwritableFile(path: path, reason: systemError(errno)) }
        var failure: String?
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = systemError(errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = systemError(errno) }
        if close(descriptor) != 0, failure == nil { failure = systemError(errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = systemError(errno) }
        if let failure {
            unlink(temporary)
            throw .unwritableFile(path: path, reason: failure)
        }
    }

    /// Checks, before a long run, that ``writeAtomically(_:to:)`` can write `path`: its directory
    /// exists and takes new files, and `path` is not a directory. The write itself can still fail
    /// (a full disk) and says so then.
    static func checkWritable(path: String) throws(ToolError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .unwritableFile(path: path, reason: "it is a directory")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .unwritableFile(path: path, reason: "no such directory '\(directory)'")
        }
        guard isDirectory.boolValue else { throw .unwritableFile(path: path, reason: "'\(directory)' is not a directory") }
        guard access(directory, W_OK) == 0 else {
            throw .unwritableFile(path: path, reason: "the directory '\(directory)' is not writable: \(systemError(errno))")
        }
    }

    /// The C library's words for `code`.
    private static func systemError(_ code: Int32) -> String { String(cString: strerror(code)) }
}
