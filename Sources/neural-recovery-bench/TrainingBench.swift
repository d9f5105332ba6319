import ArgumentParser
import Foundation
import LinearAlgebra
import ModelKinds
import RandomStreams
import Training

/// `neural-recovery-bench training`: wall-clock time of one non-convex training run (docs/science.md §3) —
/// skip network, n = 400, d = 100, m = n + 1, 200 epochs of fresh AdamW, test loss every epoch.
/// Its peer is `bench/training_peer.py` (PyTorch CPU, float32, 2 threads).
struct TrainingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Time non-convex training of a skip network (n = 400, d = 100, m = 401, 200 epochs)."
    )

    @Option(help: "Training rows n.") var n = 400
    @Option(help: "Input dimension d.") var d = 100
    @Option(help: "Optimiser steps.") var epochs = 200
    @Option(help: "Timed repetitions (the best is reported).") var repeats = 3
    @Option(help: "Training threads (default: the BLAS thread count).") var workers: Int?
    @Flag(help: "Also time the three n×d×m products per epoch alone (the floor of any dense implementation).")
    var gemmBaseline = false

    func run() throws {
        let stream = PhiloxStream(key: (2022, 9), substream: 1)
        let scale = 1 / Double(n).squareRoot()
        let x = Matrix(rows: n, cols: d, columnMajor: stream.normals(n * d).map { $0 * scale })
        let xTest = Matrix(rows: n, cols: d, columnMajor: stream.normals(n * d).map { $0 * scale })
        var wStar = stream.normals(d)
        let norm = Vector.norm(wStar)
        wStar = wStar.map { $0 / norm }
        let y = x.times(wStar), yTest = xTest.times(wStar)
        let settings = TrainingSettings(model: .skip, epochs: epochs)
        var best = Double.infinity
        var last: TrainingResult?
        for r in 0..<max(1, repeats) {
            let initialization = PhiloxStream(key: (2022, UInt64(r)), substream: StreamPurpose.initialization.rawValue)
            let start = DispatchTime.now().uptimeNanoseconds
            let result = NetworkTrainer.train(x: x, y: y, test: (xTest, yTest), settings: settings,
                                              initialization: initialization, workers: workers)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            last = result
        }
        let distance = Vector.norm(Vector.subtract(last!.effectiveLinearWeight!, wStar))
        let workerCount = workers ?? NetworkTrainer.defaultWorkerCount(shape: settings.shape(rows: n, inputDimension: d), rows: 2 * n)
        print("training skip n=\(n) d=\(d) m=\(n + 1) epochs=\(epochs) (BLAS threads \(BLASThreads.current), workers \(workerCount)): "
              + "best of \(max(1, repeats)) \(String(format: "%.3f", best)) s; "
              + "final train loss \(last!.trainingLoss.last!), test error \(last!.testError!), ‖α₀w₀ − w*‖ \(distance)")
        if gemmBaseline {
            let m = n + 1
            let w = Matrix(rows: d, cols: m, columnMajor: stream.uniforms(d * m, in: -0.1, 0.1))
            var z = Matrix(rows: n, cols: m), g = Matrix(rows: d, cols: m)
            var bestProducts = Double.infinity
            for _ in 0..<max(1, repeats) {
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
        print(String(format: "seconds %.4f", best))
    }
}
