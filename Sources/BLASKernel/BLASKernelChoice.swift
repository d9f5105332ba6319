import CLapack
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Choosing OpenBLAS's compute kernel when its own CPU detection falls back to the slowest one.
///
/// A `DYNAMIC_ARCH` OpenBLAS (Debian's) picks its kernels when the library loads, by CPU model. A
/// CPU newer than the library (e.g. Intel's Sapphire and Emerald Rapids Xeons under Debian 12's
/// OpenBLAS 0.3.21) is not recognised and gets `Prescott`, the generic SSE3 kernels, although the
/// CPU has AVX2 or AVX-512: dense products and factorizations then run about 2× slower (a Figure 24
/// cell, n = 400, d = 100: 89 s against 42 s with `SkylakeX`). OpenBLAS reads its override,
/// `OPENBLAS_CORETYPE`, only when it loads, so the tools set it and start themselves again.
///
/// A kernel chosen by the user (`OPENBLAS_CORETYPE` set, to anything) is never overridden; where
/// OpenBLAS detected a kernel itself, nothing changes. Results differ between kernels only by
/// round-off, which every comparison in this project tolerates.
public enum BLASKernelChoice {
    /// The kernel to ask for, or nil to keep OpenBLAS's choice.
    ///
    /// - Parameters:
    ///   - detected: the kernel OpenBLAS chose (`openblas_get_corename()`).
    ///   - cpuFlags: the CPU's feature flags (`/proc/cpuinfo`'s `flags` line).
    /// - Returns: `SkylakeX` for a CPU with the AVX-512 subsets that kernel uses, `Haswell` for one
    ///   with AVX2 and FMA, when OpenBLAS fell back to `Prescott`; otherwise nil.
    public static func kernel(detected: String, cpuFlags: Set<String>) -> String? {
        guard detected.lowercased() == "prescott" else { return nil }
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) {
            return "SkylakeX"
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        return nil
    }

    /// The feature flags of the first CPU listed in a `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The kernel the loaded OpenBLAS runs (`openblas_get_corename()`), e.g. `SkylakeX`.
    public static var loadedKernel: String {
        guard let name = openblas_get_corename() else { return "" }
        return String(cString: name)
    }

    /// Call first thing in `main`: when OpenBLAS fell back to `Prescott` on a CPU that has better
    /// kernels and `OPENBLAS_CORETYPE` is unset, sets it and replaces this process with a fresh
    /// start of the same executable and arguments (so OpenBLAS loads again with the better kernel).
    /// Returns normally, changing nothing, in every other case, and when the restart fails (after a
    /// one-line note on standard error: the run proceeds, slower).
    public static func restartWithBetterKernelIfNeeded() {
        #if os(Linux)
        guard getenv("OPENBLAS_CORETYPE") == nil else { return }
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let kernel = kernel(detected: loadedKernel, cpuFlags: cpuFlags(cpuinfo: cpuinfo)) else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        let note = "note: OpenBLAS runs its generic Prescott kernels on this CPU; restarting with OPENBLAS_CORETYPE=\(kernel) failed (\(reason)), continuing slower\n"
        FileHandle.standardError.write(Data(note.utf8))
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }
}
