import ArgumentParser
import Foundation

/// Prints a one-line error to standard error and exits with code 2 (bad input).
func failWithInputError(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return ExitCode(2)
}
