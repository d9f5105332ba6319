import Foundation
import TaskCache

/// The record of a figure's last complete render (`.render-stamp` in its folder): a digest of what
/// went in (renderer code, resolved manifest, every sample key) and the SHA-256 of every file that
/// came out. A figure is up to date only when both still match, so a deleted or altered
/// `panel-1.csv` or `figure.svg` is rewritten even though no cell changed.
///
/// Written as `FigureWriter.stampName`. Text: `inputs <hex>` then one `<sha256> <file name>` line per output file.
struct RenderStamp: Equatable {
    var inputs: String
    var files: [(name: String, sha256: String)]

    static func == (a: RenderStamp, b: RenderStamp) -> Bool {
        a.inputs == b.inputs && a.files.map(\.name) == b.files.map(\.name) && a.files.map(\.sha256) == b.files.map(\.sha256)
    }

    var text: String {
        (["inputs \(inputs)"] + files.map { "\($0.sha256) \($0.name)" }).joined(separator: "\n") + "\n"
    }

    /// The stamp in `folder`, or nil when there is none or it is not in this format.
    static func read(in folder: URL) -> RenderStamp? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(FigureWriter.stampName).path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard let first = lines.first, first.hasPrefix("inputs ") else { return nil }
        var files: [(String, String)] = []
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else { return nil }
            files.append((String(parts[1]), String(parts[0])))
        }
        guard !files.isEmpty else { return nil }
        return RenderStamp(inputs: String(first.dropFirst("inputs ".count)), files: files)
    }

    /// Whether every recorded file is in `folder` with the recorded digest.
    func outputsIntact(in folder: URL) -> Bool {
        files.allSatisfy { file in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file.name).path) else { return false }
            return CanonicalJSON.sha256(data) == file.sha256
        }
    }
}
