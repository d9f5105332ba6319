import BLASKernel
import Foundation

/// Runs the built `neural-recovery` executable (it sits next to the test bundle in the build folder).
struct ToolRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        // The test binary may live inside a bundle folder (`*.xctest`); the tool sits beside it.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("neural-recovery").path),
              dir.pathComponents.count > 1 {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("neural-recovery")
    }

    /// The package's root folder (this file is Tests/CommandLineTests/ToolRunner.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// This process's environment, with `OPENBLAS_CORETYPE` set to the kernel this process's OpenBLAS
    /// runs: the tool then computes with the same kernel as the test comparing with it (the tool would
    /// otherwise pick a better one than a generic fallback, see `BLASKernelChoice`, and round differently).
    static var sameKernelEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_CORETYPE"] == nil { environment["OPENBLAS_CORETYPE"] = BLASKernelChoice.loadedKernel }
        return environment
    }

    /// Runs the tool with `arguments`, in `directory` (default: the test's own working directory),
    /// with `environment` (default: `sameKernelEnvironment`).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = environment ?? sameKernelEnvironment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nr-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
