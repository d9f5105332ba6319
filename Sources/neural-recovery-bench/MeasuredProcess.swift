import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One child process run to completion with its resource use (from `wait4`): wall seconds, user and
/// system CPU seconds, peak resident set size.
///
/// Linux carries the spawning process's peak RSS into a child it spawns (vfork, then exec keeps the
/// high-water mark), so `measured` starts the command through `neural-recovery-bench measure`: a
/// fresh small process that spawns the command, waits for it and writes its usage to a file.
struct MeasuredProcess {
    var wall: Double
    var user: Double
    var system: Double
    var peakRSSMegabytes: Double
    var status: Int32
    var output: String

    var cpu: Double { user + system }

    /// Runs `executable` with `arguments` through `measure` (the benchmark executable at `bench`),
    /// standard output captured, standard error to this process's.
    static func measured(_ executable: String, _ arguments: [String], bench: String, in folder: URL) throws -> MeasuredProcess {
        let usagePath = folder.appendingPathComponent(".bench-usage-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: usagePath) }
        var outer = try run(bench, ["measure", "--usage", usagePath, "--", executable] + arguments, in: folder)
        guard let text = try? String(contentsOfFile: usagePath, encoding: .utf8) else { throw BenchFailure("measure wrote no usage") }
        let fields = text.split(separator: " ").compactMap { Double($0) }
        guard fields.count == 4 else { throw BenchFailure("measure wrote \(text)") }
        (outer.user, outer.system, outer.peakRSSMegabytes) = (fields[0], fields[1], fields[2])
        outer.status = Int32(fields[3])
        return outer
    }

    /// Runs `executable` with `arguments` (standard output to `outputPath` or captured, standard
    /// error to this process's).
    static func run(_ executable: String, _ arguments: [String], in folder: URL, outputPath: String? = nil) throws -> MeasuredProcess {
        let outPath = outputPath ?? folder.appendingPathComponent(".bench-stdout-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if outPath != "-" { posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchFailure("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var output = ""
        if outputPath == nil {
            output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: outPath)
        }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let exited = status & 0x7f == 0
        return MeasuredProcess(wall: wall, user: seconds(usage.ru_utime), system: seconds(usage.ru_stime),
                               peakRSSMegabytes: Double(usage.ru_maxrss) / 1024,
                               status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}

/// `neural-recovery-bench measure --usage FILE -- COMMAND…`: runs COMMAND (output inherited) and
/// writes its user and system CPU seconds, peak RSS (MB) and exit status to FILE. Used by
/// `pipeline`, so the command's peak memory is its own, not the benchmark's.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure", abstract: "Run a command and write its CPU time and peak memory (used by `pipeline`).",
        shouldDisplay: false)

    @Option var usage: String
    @Argument(parsing: .postTerminator) var command: [String]

    func run() throws {
        guard let executable = command.first else { throw BenchFailure("measure: no command") }
        let m = try MeasuredProcess.run(executable, Array(command.dropFirst()), in: URL(fileURLWithPath: "/tmp"), outputPath: "-")
        try "\(m.user) \(m.system) \(m.peakRSSMegabytes) \(m.status)".write(toFile: usage, atomically: true, encoding: .utf8)
    }
}

/// A benchmark that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
