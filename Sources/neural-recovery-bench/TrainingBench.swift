import ArgumentParser
import Foundation
import LinearAlgebra
import ModelKinds
import RandomStreams
import Training

/// `neural-recovery-bench training`: wall-clock time of one non-convex training run (docs/science.md §3)
/// per network — skip and normalized by default, n = 400, d = 100, m = n + 1, 400 epochs of fresh
/// AdamW, test loss every epoch. Its peer is `bench/training_peer.py` (PyTorch CPU, float32, 2 threads),
/// which trains the same networks on data of the same sizes.
struct TrainingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Time non-convex training of the skip and normalized networks (n = 400, d = 100, m = 401, 400 epochs).",
        discussion: "Prints one line per network and then `seconds MODEL S` (the best of --repeats) per network."
    )

    @Option(name: .customLong("model"), parsing: .singleValue,
            help: "A network to train: skip, normalized or plain (repeat the option for several; default skip and normalized).")
    var models: [LearnedModel] = [.skip, .normalized]
    @Option(help: "Training rows n.") var n = 400
    @Option(help: "Input dimension d.") var d = 100
    @Option(help: "Optimiser steps.") var epochs = 400
    @Option(help: "Timed repetitions (the best is reported).") var repeats = 3
    @Option(help: "Training threads (default: the BLAS thread count).") var workers: Int?
    @Flag(help: "Also time the three n×d×m products per epoch alone (the floor of any dense implementation).")
    var gemmBaseline = false

    func validate() throws {
        guard n >= 1, d >= 1, epochs >= 0, repeats >= 1 else {
            throw ValidationError("n and d must be ≥ 1, epochs ≥ 0 and repeats ≥ 1")
        }
        if let workers, workers < 1 { throw ValidationError("--workers must be ≥ 1") }
    }

    func run() throws {
        let stream = PhiloxStream(key: (2022, 9), substream: 1)
        let scale = 1 / Double(n).squareRoot()
        let x = Matrix(rows: n, cols: d, columnMajor: stream.normals(n * d).map { $0 * scale })
        let xTest = Matrix(rows: n, cols: d, columnMajor: stream.normals(n * d).map { $0 * scale })
        var wStar = stream.normals(d)
        let norm = Vector.norm(wStar)
        wStar = wStar.map { $0 / norm }
        let y = x.times(wStar), yTest = xTest.times(wStar)
        var summary: [String] = []
        for model in models {
            let settings = TrainingSettings(model: model, epochs: epochs)
            var best = Double.infinity
            var last: TrainingResult?
            for r in 0..<repeats {
                let initialization = PhiloxStream(key: (2022, UInt64(r)), substream: StreamPurpose.initialization.rawValue)
                let start = DispatchTime.now().uptimeNanoseconds
                let result = NetworkTrainer.train(x: x, y: y, test: (xTest, yTest), settings: settings,
                                                  initialization: initialization, workers: workers)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                last = result
            }
            let workerCount = workers ?? NetworkTrainer.defaultWorkerCount(shape: settings.shape(rows: n, inputDimension: d), rows: 2 * n)
            var line = "training \(model.rawValue) n=\(n) d=\(d) m=\(n + 1) epochs=\(epochs) "
                + "(BLAS threads \(BLASThreads.current), workers \(workerCount)): "
                + "best of \(repeats) \(String(format: "%.3f", best)) s; "
                + "final train loss \(last!.trainingLoss.last ?? .nan), test error \(last!.testError!)"
            if let effective = last!.effectiveLinearWeight {
                line += ", ‖α₀w₀ − w*‖ \(Vector.norm(Vector.subtract(effective, wStar)))"
            }
            print(line)
            summary.append("seconds \(model.rawValue) \(String(format: "%.4f", best))")
        }
        if gemmBaseline {
            let m = n + 1
            let w = Matrix(rows: d, cols: m, columnMajor: stream.uniforms(d * m, in: -0.1, 0.1))
            var z = Matrix(rows: n, cols: m), g = Matrix(rows: d, cols: m)
            var bestProducts = Double.infinity
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<epochs {
                    Matrix.gemm(x, .none, w, .none, into: &z)
                    Matrix.gemm(xTest, .none, w, .none, into: &z)
                    Matrix.gemm(x, .transpose, z, .none, into: &g)
                }
                bestProducts = min(bestProducts, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            print(String(format: "products alone (3 dgemm per epoch): %.3f s", bestProducts))
        }
        for line in summary { print(line) }
    }
}

extension LearnedModel: ExpressibleByArgument {}
