import Foundation

/// Where the tool writes: reports on standard output, errors and hints on standard error.
enum Console {
    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) {
        print(text)
    }

    /// Writes `text` and a newline to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rewrites the current line of standard error with `text` (a progress line on a terminal).
    static func errorInPlace(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    /// Reports a command-line mistake: the one-line error, then where help is.
    static func report(_ error: ToolError, command: String? = nil) {
        Self.error(error.message)
        let help = command.map { "spe-vm \($0) --help" } ?? "spe-vm --help"
        Self.error("Run '\(help)' for usage.")
    }
}
