import ArgumentParser
import Foundation
import Pipeline
import Planning

/// `neural-recovery explain`: why a task would run.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Say why the cells of a manifest would (or would not) run: no entry, which code changed, which parameter changed.",
        discussion: """
        Examples:
          neural-recovery explain experiments/fig07.yaml
          neural-recovery explain experiments/fig07.yaml --cell 100,20,3 --panel 2
        """
    )

    @OptionGroup var options: PipelineOptions
    @Option(help: ArgumentHelp("One cell sample: n,d,sample.", valueName: "n,d,sample"))
    var cell: String?
    @Option(help: "Panel number (1-based); default all panels.")
    var panel: Int?

    func run() throws {
        var target: (n: Int, d: Int, sample: Int)?
        if let cell {
            let parts = cell.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3 else { throw failWithInputError("--cell \(cell): expected n,d,sample, e.g. 100,20,3") }
            target = (parts[0], parts[1], parts[2])
        }
        let (plan, context) = try options.plan()
        for figure in plan.figures {
            print("# \(figure.manifest.name)")
            let changes = Explainer.manifestChanges(figure, context: context)
            if !changes.isEmpty {
                print("parameters changed since the last render (- then, + now):\n  " + changes.joined(separator: "\n  "))
            }
            var counts: [String: Int] = [:]
            var found = false
            for p in figure.panels where panel == nil || panel == p.index + 1 {
                for c in p.cells {
                    for (sample, key) in c.sampleKeys.enumerated() {
                        guard let task = plan.tasks[key] else { continue }
                        if let t = target {
                            guard t.n == c.n, t.d == c.d, t.sample == sample else { continue }
                            found = true
                            let spec = String(decoding: (try? JSONEncoder().encode(task.spec)) ?? Data(), as: UTF8.self)
                            print("panel \(p.index + 1) \(p.label) n=\(c.n) d=\(c.d) sample=\(sample): \(Explainer.reason(task, context: context))")
                            print("  key \(key)\n  spec \(spec)")
                        } else {
                            counts[Explainer.reason(task, context: context).description, default: 0] += 1
                        }
                    }
                }
            }
            if let t = target, !found {
                throw failWithInputError("\(figure.manifest.name): no cell n=\(t.n) d=\(t.d) sample=\(t.sample) in the grid")
            }
            for (reason, count) in counts.sorted(by: { $0.key < $1.key }) { print("\(count) cell samples: \(reason)") }
        }
    }
}
