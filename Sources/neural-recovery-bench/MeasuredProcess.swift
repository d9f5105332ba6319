import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One child process run to completion with its resource use (from `wait4`): wall seconds, user and
/// system CPU seconds, peak resident set size.
struct MeasuredProcess {
    var wall: Double
    var user: Double
    var system: Double
    var peakRSSMegabytes: Double
    var status: Int32
    var output: String

    var cpu: Double { user + system }

    /// Runs `executable` with `arguments` (standard output captured, standard error to this process's).
    static func run(_ executable: String, _ arguments: [String], in folder: URL) throws -> MeasuredProcess {
        let outPath = folder.appendingPathComponent(".bench-stdout-\(UUID().uuidString)").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
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
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let exited = status & 0x7f == 0
        return MeasuredProcess(wall: wall, user: seconds(usage.ru_utime), system: seconds(usage.ru_stime),
                               peakRSSMegabytes: Double(usage.ru_maxrss) / 1024,
                               status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}

/// A benchmark that could not run.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
