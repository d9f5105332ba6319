import CLapack

/// Process-wide settings of the C allocator for the numerics' large temporary buffers.
public enum AllocatorTuning {
    /// Keeps freed blocks of up to 256 MB in the heap instead of returning them to the system.
    ///
    /// The solver allocates and frees buffers of megabytes on every iteration (Schur complements,
    /// products over all blocks, cone-sized vectors). With glibc's defaults such blocks are mapped and
    /// unmapped, or the heap top trimmed and regrown, each time, and every reuse pays page faults and
    /// kernel zeroing (8% of a solve's samples at (200, 50)). Call once at process start; peak
    /// resident memory is unchanged (it is set by the largest live set), only its release is deferred.
    /// Does nothing on systems other than Linux.
    public static func retainFreedMemory() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }
}
