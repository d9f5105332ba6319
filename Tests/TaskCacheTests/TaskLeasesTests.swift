import Foundation
import TaskCache
import Testing

/// Leases let runs sharing a cache split the work: one holder at a time, stale ones taken over.
@Suite struct TaskLeasesTests {
    static func isClaimed(_ claim: TaskLeases.Claim) -> Bool {
        if case .claimed = claim { return true }
        return false
    }

    /// Writes a lease file as another process would have, `age` seconds old.
    static func foreignLease(_ cache: TaskCache, key: String, pid: Int32, host: String, age: TimeInterval) throws {
        let folder = cache.root.appendingPathComponent("leases")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("\(key).lease")
        try Data("\(host):\(pid):0:1\npid \(pid)\nhost \(host)\nstarted 0\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
    }

    @Test func oneHolderAtATime() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let a = TaskLeases(cache: cache), b = TaskLeases(cache: cache)
        #expect(a.token != b.token)
        #expect(Self.isClaimed(try a.claim("k1")))
        if case .heldElsewhere(let who) = try b.claim("k1") {
            #expect(who.contains("\(getpid())"))
        } else {
            Issue.record("a live lease was taken over")
        }
        #expect(Self.isClaimed(try b.claim("k2")))
        a.release("k1")
        #expect(Self.isClaimed(try b.claim("k1")))
        // Releasing a lease another holder now owns leaves it alone.
        a.release("k1")
        #expect(FileManager.default.fileExists(atPath: cache.root.appendingPathComponent("leases/k1.lease").path))
    }

    @Test func aDeadHolderOnThisHostIsTakenOverAtOnce() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        // A PID that is not running: a child that has exited and been reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        try Self.foreignLease(cache, key: "k", pid: child.processIdentifier, host: ProcessInfo.processInfo.hostName, age: 1)
        #expect(Self.isClaimed(try TaskLeases(cache: cache).claim("k")))
    }

    @Test func anotherHostsLeaseIsStaleOnlyWhenItsHeartbeatStops() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let leases = TaskLeases(cache: cache, staleAfter: 60)
        try Self.foreignLease(cache, key: "fresh", pid: 1, host: "elsewhere.example", age: 5)
        #expect(!Self.isClaimed(try leases.claim("fresh")))
        try Self.foreignLease(cache, key: "stale", pid: 1, host: "elsewhere.example", age: 600)
        #expect(Self.isClaimed(try leases.claim("stale")))
    }

    @Test func theHolderRenewsItsLease() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        let holder = TaskLeases(cache: cache, heartbeat: 0.2, staleAfter: 1)
        #expect(Self.isClaimed(try holder.claim("k")))
        let url = cache.root.appendingPathComponent("leases/k.lease")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-30)], ofItemAtPath: url.path)
        Thread.sleep(forTimeInterval: 1)
        let other = TaskLeases(cache: cache, staleAfter: 1)
        #expect(!Self.isClaimed(try other.claim("k")), "a renewed lease was taken over")
    }

    /// Many claimers racing for one stale lease: exactly one wins.
    @Test func oneWinnerAmongRacingTakers() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.root) }
        for round in 0..<20 {
            try Self.foreignLease(cache, key: "r\(round)", pid: 1, host: "elsewhere.example", age: 600)
            let claimers = (0..<4).map { _ in TaskLeases(cache: cache, staleAfter: 60) }
            let wins = Locked(0)
            DispatchQueue.concurrentPerform(iterations: claimers.count) { i in
                if let claim = try? claimers[i].claim("r\(round)"), Self.isClaimed(claim) { wins.add(1) }
            }
            #expect(wins.value == 1, "round \(round): \(wins.value) winners")
        }
    }
}

final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    init(_ count: Int) { self.count = count }
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
