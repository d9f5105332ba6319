/// The packed lower triangles of every ReLU-cone block's S₀⁻¹ (rᵢ(rᵢ+1)/2 doubles each) in one buffer
/// that lives as long as the solve: the factorization's workers write their own blocks in place, and
/// H⁻¹ applications read them. One buffer instead of an array per block means a refactorization never
/// holds the old and the new factors at once (tens of megabytes at n = 400).
final class PackedBlockFactors: @unchecked Sendable {
    // @unchecked Sendable: during a parallel factorization each worker writes only its own blocks'
    // ranges; otherwise the buffer is only read.
    private let offsets: [Int]
    private let total: Int
    private let storage: UnsafeMutablePointer<Double>

    /// Room for one packed rᵢ×rᵢ triangle per block with ReLU cones (none for the others).
    init(blocks: [NormBlock]) {
        var offsets = [Int]()
        var total = 0
        for blk in blocks {
            offsets.append(total)
            if blk.lp != nil { total += blk.dim * (blk.dim + 1) / 2 }
        }
        self.offsets = offsets
        self.total = total
        storage = UnsafeMutablePointer<Double>.allocate(capacity: max(1, total))
        storage.initialize(repeating: 0, count: total)
    }

    deinit {
        storage.deallocate()
    }

    /// Block k's packed triangle.
    subscript(block k: Int) -> UnsafeMutablePointer<Double> { storage + offsets[k] }
}
