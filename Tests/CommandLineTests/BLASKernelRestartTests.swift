import BLASKernel
import Foundation
import Testing

/// The tool runs OpenBLAS kernels its CPU has: where OpenBLAS's own detection falls back to the generic
/// `Prescott` kernels on a CPU with AVX2 (a CPU newer than the library), the tool starts itself again
/// with `OPENBLAS_CORETYPE` set; a kernel the user chose is kept. Observed through OpenBLAS's own report
/// (`OPENBLAS_VERBOSE=2` prints `Core: <kernel>` each time the library loads).
@Suite struct BLASKernelRestartTests {
    /// The `Core:` lines OpenBLAS printed, in order.
    static func kernelsLoaded(coreType: String?) throws -> (status: Int32, kernels: [String]) {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_VERBOSE"] = "2"
        environment["OPENBLAS_CORETYPE"] = coreType
        let result = try ToolRunner.run(["--version"], environment: environment)
        let kernels = (result.stdout + "\n" + result.stderr).split(separator: "\n")
            .filter { $0.hasPrefix("Core: ") }.map { String($0.dropFirst("Core: ".count)) }
        return (result.status, kernels)
    }

    static var cpuHasAVX2: Bool {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return BLASKernelChoice.cpuFlags(cpuinfo: cpuinfo).isSuperset(of: ["avx2", "fma"])
    }

    @Test func theToolNeverRunsTheGenericKernelsOnACPUWithAVX2() throws {
        let (status, kernels) = try Self.kernelsLoaded(coreType: nil)
        #expect(status == 0)
        try #require(!kernels.isEmpty, "OPENBLAS_VERBOSE=2 printed no kernel")
        if Self.cpuHasAVX2 {
            #expect(kernels.last?.lowercased() != "prescott", "loaded: \(kernels)")
        }
        // One load, or a generic one followed by the restart's.
        #expect(kernels.count == 1 || (kernels.count == 2 && kernels[0].lowercased() == "prescott"), "loaded: \(kernels)")
    }

    @Test func aKernelTheUserChoseIsKept() throws {
        let (status, kernels) = try Self.kernelsLoaded(coreType: "Prescott")
        #expect(status == 0)
        #expect(kernels.map { $0.lowercased() } == ["prescott"], "loaded: \(kernels)")
    }
}
