import ArgumentParser
import Execution
import Foundation
import Pipeline
import Planning

/// `neural-recovery plan`: what a run would do.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what `run` would do: manifests, panels, tasks, shared cells, cached, to run, estimated time.",
        discussion: """
        A task is one cell sample, identified by what it computes (never by the figure asking), so figures that share cells (7, 19, 20, 21) share tasks. "unique" counts each task once. The time estimate uses the durations recorded by earlier runs.

        Examples:
          neural-recovery plan
          neural-recovery plan experiments/fig07.yaml --scale smoke --print-config
          neural-recovery plan experiments/fig10.yaml --dot > fig10.dot
        """
    )

    @OptionGroup var options: PipelineOptions
    @Flag(help: "Print each resolved manifest and its cell list.")
    var printConfig = false
    @Flag(help: "Print the task graph (manifest → panel → task) in Graphviz dot format instead.")
    var dot = false

    func run() throws {
        let (plan, context) = try options.plan()
        if dot { print(Self.dot(plan)); return }
        let state = RunState(plan: plan, context: context)
        let missing = state.missingTasks
        let panels = plan.figures.reduce(0) { $0 + $1.panels.count }
        let estimate = DurationModel.load(context).estimate(missing)
        print("manifests: \(plan.figures.count) (\(state.upToDate.filter { $0 }.count) with figures up to date)")
        print("panels:    \(panels)")
        print("tasks:     \(plan.references) (cell samples over all panels)")
        print("unique:    \(plan.tasks.count) (\(plan.references - plan.tasks.count) shared)")
        print("cached:    \(plan.tasks.count - missing.count)")
        print("to run:    \(missing.count)")
        if missing.isEmpty {
            print("estimate:  nothing to compute")
        } else {
            let text = ProgressLine.duration(estimate.seconds)
            print("estimate:  \(estimate.complete ? "" : "at least ")\(text) of compute"
                  + (estimate.complete ? "" : " (no recorded durations for some task kinds yet)"))
        }
        if printConfig {
            for figure in plan.figures {
                print("\n# \(figure.manifest.name)")
                print(figure.manifest.resolvedYAML(), terminator: "")
                for panel in figure.panels {
                    print("# panel \(panel.index + 1) \(panel.label): \(panel.cells.count) cells × \(figure.manifest.grid.samples) samples")
                    if let first = panel.cells.first?.sampleKeys.first, let task = plan.tasks[first] {
                        print("#   first cell: \(String(decoding: (try? JSONEncoder().encode(task.spec)) ?? Data(), as: UTF8.self))")
                    }
                }
            }
        }
    }

    static func dot(_ plan: Plan) -> String {
        var lines = ["digraph plan {", "  rankdir=LR;", "  node [shape=box, fontsize=10];"]
        for figure in plan.figures {
            let f = "\"\(figure.manifest.name)\""
            lines.append("  \(f) [shape=folder];")
            for panel in figure.panels {
                let p = "\"\(figure.manifest.name)/panel \(panel.index + 1)\""
                lines.append("  \(p) [label=\"panel \(panel.index + 1)\\n\(panel.label)\"];")
                lines.append("  \(p) -> \(f);")
                for cell in panel.cells {
                    for key in cell.sampleKeys { lines.append("  \"\(key.prefix(12))\" -> \(p);") }
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }
}
