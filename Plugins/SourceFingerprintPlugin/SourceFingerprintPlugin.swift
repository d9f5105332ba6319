import Foundation
import PackagePlugin

/// Build tool plugin: digests the Swift sources of every library module of the package at build
/// time and generates `SourceFingerprints.swift` for the target it is applied to.
///
/// A fingerprint unit is a module (`CellData`) or, for a module with sub-folders, each first-level
/// sub-folder (`CellEvaluation/Convex`), so that one computation kind can depend on part of a module.
/// The pipeline keys cached results by the fingerprints of the units a computation depends on:
/// changing a source file reruns exactly the computations that depend on it.
@main
struct SourceFingerprintPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "source-fingerprinter")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("SourceFingerprints.swift")
        var arguments = [output.path]
        var inputs: [URL] = []
        for module in context.package.targets {
            guard let source = module as? SourceModuleTarget, source.kind == .generic,
                  module.name != target.name else { continue }
            let root = module.directoryURL.standardizedFileURL.path
            for file in source.sourceFiles(withSuffix: "swift") {
                let path = file.url.standardizedFileURL.path
                guard path.hasPrefix(root + "/") else { continue }
                let relative = String(path.dropFirst(root.count + 1))
                let parts = relative.split(separator: "/")
                let unit = parts.count > 1 ? "\(module.name)/\(parts[0])" : module.name
                arguments.append("\(unit)|\(module.name)/\(relative)|\(path)")
                inputs.append(file.url)
            }
        }
        return [.buildCommand(displayName: "Fingerprinting module sources",
                              executable: tool.url, arguments: arguments,
                              inputFiles: inputs, outputFiles: [output])]
    }
}
