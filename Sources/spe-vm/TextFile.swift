import Foundation

/// Reading a file the user names (a scenario, a replay file): only a regular file of bounded size
/// (a device such as `/dev/zero` would be read for ever), symlinks followed.
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
}
