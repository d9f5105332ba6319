import BLASKernel
import Foundation
import Testing

@Suite struct BLASKernelChoiceTests {
    static let avx512 = Set("fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl".split(separator: " ").map(String.init))
    static let avx2 = Set("fpu sse sse2 avx avx2 fma".split(separator: " ").map(String.init))

    @Test func aGenericFallbackOnAModernCPUGetsItsKernel() {
        #expect(BLASKernelChoice.kernel(detected: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLASKernelChoice.kernel(detected: "Prescott", cpuFlags: Self.avx2) == "Haswell")
        // AVX-512 without the subsets SkylakeX's kernels use (Knights Landing has no avx512bw/vl/dq).
        let knightsLanding = Self.avx2.union(["avx512f", "avx512cd", "avx512er", "avx512pf"])
        #expect(BLASKernelChoice.kernel(detected: "Prescott", cpuFlags: knightsLanding) == "Haswell")
    }

    @Test func aDetectedKernelOrAnOldCPUIsLeftAlone() {
        #expect(BLASKernelChoice.kernel(detected: "Haswell", cpuFlags: Self.avx512) == nil)
        #expect(BLASKernelChoice.kernel(detected: "Zen", cpuFlags: Self.avx2) == nil)
        #expect(BLASKernelChoice.kernel(detected: "SkylakeX", cpuFlags: Self.avx512) == nil)
        #expect(BLASKernelChoice.kernel(detected: "Prescott", cpuFlags: ["fpu", "sse", "sse2", "sse3", "avx"]) == nil)
    }

    @Test func flagsAreReadFromTheFirstCPU() {
        let cpuinfo = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        flags\t\t: fpu sse2 avx2 fma
        bugs\t\t: spectre_v1

        processor\t: 1
        flags\t\t: fpu
        """
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: cpuinfo) == ["fpu", "sse2", "avx2", "fma"])
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: "processor : 0\n").isEmpty)
    }

    /// The name of the kernel this process's OpenBLAS runs is read (the tool's restart is tested
    /// on the tool itself, in CommandLineTests.BLASKernelRestartTests).
    @Test func theLoadedKernelHasAName() {
        #expect(!BLASKernelChoice.loadedKernel.isEmpty)
    }
}
