import Foundation
import Testing

/// The repository stands on its own: nothing outside `Tests/` and `.ci/` refers to `../shared`
/// (a folder beside the development checkout that a clone does not have), and the files the
/// `--help` texts name are in the repository.
@Suite struct SelfContainedRepositoryTests {
    /// The text no file outside `Tests/` and `.ci/` may contain.
    static let outsidePath = "../" + "shared"

    @Test func noFileOutsideTestsAndCIRefersToTheSharedFolder() throws {
        let (files, method) = try RepositoryFiles.list()
        // The listing really saw the repository (an empty listing would pass vacuously).
        #expect(files.contains("Package.swift") && files.contains("README.md") && files.contains("docs/science.md"),
                "listing by \(method): \(files.count) files")
        #expect(files.contains { $0.hasPrefix("Sources/") })
        let checked = files.filter { !$0.hasPrefix("Tests/") && !$0.hasPrefix(".ci/") }
        var offenders: [String] = []
        for path in checked {
            let url = ToolRunner.packageRoot.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            for line in RepositoryFiles.lines(containing: Self.outsidePath, in: data) {
                offenders.append("\(path):\(line)")
            }
        }
        #expect(offenders.isEmpty, "files outside Tests/ and .ci/ refer to \(Self.outsidePath): \(offenders)")
    }

    /// The search itself finds what it looks for (this file holds the text, split so that only
    /// the comment below has it whole): ../shared
    @Test func theSearchFindsTheText() throws {
        let data = try #require(FileManager.default.contents(atPath: #filePath))
        #expect(!RepositoryFiles.lines(containing: Self.outsidePath, in: data).isEmpty)
    }

    /// Every repository path a `--help` text names (a word with a `/` ending in .json, .md or
    /// .yaml; for a glob, its folder) exists, and no help text names a path outside the repository.
    @Test func helpTextsNameOnlyFilesInTheRepository() throws {
        let top = try ToolRunner.run(["--help"])
        #expect(top.status == 0, "\(top.stderr)")
        let subcommands = RepositoryFiles.subcommands(inHelp: top.stdout)
        #expect(subcommands.contains("solve") && subcommands.contains("sample"), "\(subcommands)")
        var named = 0
        for command in [[]] + subcommands.map({ [$0] }) {
            let help = try ToolRunner.run(command + ["--help"])
            #expect(help.status == 0, "\(command): \(help.stderr)")
            #expect(!help.stdout.contains("../"), "\(command) --help names a path outside the repository")
            for word in RepositoryFiles.pathWords(in: help.stdout) {
                named += 1
                // A glob (experiments/*.yaml) names its folder.
                let path = word.contains("*") ? String(word[..<word.lastIndex(of: "/")!]) : word
                #expect(FileManager.default.fileExists(atPath: ToolRunner.packageRoot.appendingPathComponent(path).path),
                        "\(command) --help names \(word), which is not in the repository")
            }
        }
        #expect(named >= 3)  // solve's example instance, the schema document, a manifest at least
    }

    /// README links the science document, and every relative link of the repository's documents
    /// resolves to a file or folder in the repository.
    @Test func documentLinksResolveInTheRepository() throws {
        let readme = try String(contentsOf: ToolRunner.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("](docs/science.md)"))
        let documents = try RepositoryFiles.list().files.filter { $0.hasSuffix(".md") && !$0.hasPrefix("Tests/") }
        #expect(documents.contains("docs/science.md") && documents.contains("docs/instance-format.md"))
        for document in documents {
            let url = ToolRunner.packageRoot.appendingPathComponent(document)
            let text = try String(contentsOf: url, encoding: .utf8)
            for target in RepositoryFiles.relativeLinks(in: text) {
                let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL
                #expect(resolved.path.hasPrefix(ToolRunner.packageRoot.standardizedFileURL.path)
                        && FileManager.default.fileExists(atPath: resolved.path),
                        "\(document) links \(target), which is not in the repository")
            }
        }
    }

    /// `solve --help`'s first example, run as a new user would from the repository's root, solves
    /// and agrees with the reference optimum recorded in the file.
    @Test func solveHelpExampleRunsFromTheRepositoryRoot() throws {
        let help = try ToolRunner.run(["solve", "--help"])
        let example = try #require(help.stdout.split(separator: "\n").lazy
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("neural-recovery solve ") && $0.hasSuffix(".json") && $0.contains("/") })
        let arguments = example.split(separator: " ").dropFirst().map(String.init)
        #expect(arguments.count == 2, "\(example)")
        let result = try ToolRunner.run(arguments, in: ToolRunner.packageRoot)
        #expect(result.status == 0, "\(example): \(result.stderr)")
        #expect(result.stdout.contains("solved"), "\(result.stdout)")

        let file = ToolRunner.packageRoot.appendingPathComponent(arguments[1])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let reference = try #require((object["reference"] as? [String: Any])?["objective"] as? Double)
        let report = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: report) }
        let json = report.appendingPathComponent("result.json")
        let withJSON = try ToolRunner.run(arguments + ["--json", json.path], in: ToolRunner.packageRoot)
        #expect(withJSON.status == 0, "\(withJSON.stderr)")
        let solved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let objective = try #require(solved["objective"] as? Double)
        #expect(abs(objective - reference) <= 1e-6 * abs(reference), "\(objective) vs reference \(reference)")
    }
}

/// The repository's files, and the searches the tests above make in them.
enum RepositoryFiles {
    /// Paths relative to the package root: the tracked files (`git ls-files`), or — when git is
    /// unavailable or this is not a git checkout — every file outside hidden folders, `Tests/` and
    /// `outputs/` (generated). `method` says which.
    static func list() throws -> (files: [String], method: String) {
        if let tracked = gitTrackedFiles() { return (tracked, "git ls-files") }
        return (try walk(), "walking the folders (git unavailable)")
    }

    static func gitTrackedFiles() -> [String]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", ToolRunner.packageRoot.path, "ls-files", "-z"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let files = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return files.isEmpty ? nil : files
    }

    static func walk() throws -> [String] {
        let root = ToolRunner.packageRoot.standardizedFileURL
        let skippedTop: Set<String> = ["Tests", "outputs"]
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else { return [] }
        var files: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            if let top = relative.split(separator: "/").first, skippedTop.contains(String(top)) {
                enumerator.skipDescendants()
                continue
            }
            if try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true { files.append(relative) }
        }
        return files
    }

    /// The 1-based numbers of the lines of `data` that contain `needle` (bytes, so any file works).
    static func lines(containing needle: String, in data: Data) -> [Int] {
        let pattern = Data(needle.utf8)
        var found: [Int] = []
        var start = data.startIndex
        while let range = data.range(of: pattern, in: start..<data.endIndex) {
            found.append(data[data.startIndex..<range.lowerBound].filter { $0 == 0x0A }.count + 1)
            start = range.upperBound
        }
        return found
    }

    /// The targets of the Markdown links `[text](target)` in `text` that are neither URLs nor
    /// anchors, without their `#fragment`.
    static func relativeLinks(in text: String) -> [String] {
        var targets: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "](") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: ")") else { break }
            let target = String(rest[..<close]).split(separator: "#", omittingEmptySubsequences: false)[0]
            if !target.isEmpty, !target.contains("://"), !target.hasPrefix("mailto:"), !target.contains(" ") {
                targets.append(String(target))
            }
            rest = rest[close...]
        }
        return targets
    }

    /// The subcommand names listed under SUBCOMMANDS in the top-level help.
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = []
        var inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inside = true; continue }
            guard inside else { continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
            if line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first {
                names.append(String(name))
            }
        }
        return names.filter { $0 != "help" }
    }

    /// Words of a help text that name a repository file: contain `/` and end in .json, .md or .yaml
    /// (after trailing punctuation is stripped).
    static func pathWords(in text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" || $0 == "`" })
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:'\"")) }
            .filter { $0.contains("/") && !$0.contains("<") && !$0.hasPrefix("-")
                && ($0.hasSuffix(".json") || $0.hasSuffix(".md") || $0.hasSuffix(".yaml")) }
    }
}
