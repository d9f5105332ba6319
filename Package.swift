// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "neural-recovery",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "neural-recovery", targets: ["neural-recovery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries: CBLAS (OpenBLAS) and LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
        .systemLibrary(name: "CLapack", path: "Sources/CLapack"),
        // System library: GLPK's simplex (Debian's libglpk-dev), for the all-ones reachability LP.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK"),
        // OpenBLAS's kernel, chosen when its CPU detection falls back to generic kernels (the tools' first step).
        .target(name: "BLASKernel", dependencies: ["CLapack"]),
        // Dense column-major matrices and thin wrappers over BLAS-3 and LAPACK.
        .target(name: "LinearAlgebra", dependencies: ["CLapack"]),
        // Names shared by every layer: learned/planted model, formulation.
        .target(name: "ModelKinds"),
        // Counter-based random streams (Philox4x64-10) keyed per cell sample.
        .target(name: "RandomStreams", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // docs/science.md §1: the data of one cell sample.
        .target(name: "CellData", dependencies: ["CGLPK", "LinearAlgebra", "RandomStreams", "ModelKinds"]),
        // docs/science.md §2: the group-norm convex programs and their interior-point solver.
        .target(name: "ConvexSolver", dependencies: ["LinearAlgebra", "ModelKinds"]),
        // docs/science.md §3: non-convex training with hand-written gradients.
        .target(name: "Training", dependencies: ["LinearAlgebra", "RandomStreams", "ModelKinds"]),
        // docs/science.md §5: neural isometry conditions.
        .target(name: "IsometryConditions", dependencies: ["LinearAlgebra", "ModelKinds"]),
        // Build-time digests of each module's sources (the pipeline's code fingerprints).
        .executableTarget(name: "source-fingerprinter"),
        .plugin(name: "SourceFingerprintPlugin", capability: .buildTool(), dependencies: ["source-fingerprinter"]),
        .target(name: "CodeFingerprint", plugins: ["SourceFingerprintPlugin"]),
        // docs/science.md §4: what one cell sample computes (CellSpec → CellResult).
        .target(name: "CellEvaluation", dependencies: ["CellData", "ConvexSolver", "Training", "IsometryConditions", "ModelKinds", "LinearAlgebra", "RandomStreams"]),
        // Content-addressed, crash-safe store of task results.
        .target(name: "TaskCache", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // SVG heatmaps and CSV of aggregated grids (docs/science.md §6 look).
        .target(name: "Render"),
        // Manifests → panels → content-hashed cell tasks.
        .target(name: "Planning", dependencies: ["Manifest", "CellEvaluation", "CellData", "ModelKinds", "TaskCache", "CodeFingerprint"]),
        // Parallel execution of tasks with progress and clean interruption.
        .target(name: "Execution"),
        // Plan → cache → execute → render: the pipeline behind `run`, `status`, `explain`.
        .target(name: "Pipeline", dependencies: ["Planning", "Execution", "TaskCache", "CellEvaluation", "Manifest", "Render", "CodeFingerprint"]),
        // The JSON instance schema `neural-recovery-instance/1`.
        .target(name: "InstanceFormat", dependencies: ["ModelKinds"]),
        // Experiment manifests: YAML loading, validation, sweeps, overrides and scale profiles.
        .target(name: "Manifest", dependencies: ["ModelKinds", "CellData", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "neural-recovery",
            dependencies: [
                "BLASKernel", "CellData", "InstanceFormat", "LinearAlgebra", "ModelKinds", "RandomStreams", "ConvexSolver",
                "CellEvaluation", "TaskCache", "CodeFingerprint", "Manifest", "Planning", "Execution", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (`make bench`): not part of the tool users run.
        .executableTarget(
            name: "neural-recovery-bench",
            dependencies: [
                "BLASKernel", "CellData", "InstanceFormat", "LinearAlgebra", "ModelKinds", "RandomStreams", "ConvexSolver",
                "Training", "CellEvaluation", "CodeFingerprint", "Manifest", "Planning", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "BLASKernelTests", dependencies: ["BLASKernel"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RandomStreamsTests", dependencies: ["RandomStreams"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CellDataTests", dependencies: ["CellData", "LinearAlgebra", "RandomStreams", "ModelKinds"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ConvexSolverTests", dependencies: ["ConvexSolver", "InstanceFormat", "LinearAlgebra", "ModelKinds"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "LinearAlgebra", "RandomStreams", "ModelKinds"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IsometryConditionsTests", dependencies: ["IsometryConditions", "LinearAlgebra", "ModelKinds"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CellEvaluationTests", dependencies: ["CellEvaluation", "CellData", "ModelKinds"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Planning", "Execution", "Manifest", "TaskCache", "CellEvaluation", "CodeFingerprint", "Render"]),
        .testTarget(name: "TaskCacheTests", dependencies: ["TaskCache"]),
        .testTarget(name: "RenderTests", dependencies: ["Render"]),
        .testTarget(name: "CommandLineTests", dependencies: ["BLASKernel", "InstanceFormat", "CellData", "ModelKinds"]),
        .testTarget(name: "ManifestTests", dependencies: ["Manifest"]),
    ]
)
