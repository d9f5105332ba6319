import Foundation
import LinearAlgebra

/// How the solver splits per-block work (pattern factorizations, the Tᵢ products of the normalized
/// model, the normalized bases) across cores: into `workers` fixed contiguous chunks, run at once
/// with BLAS single-threaded meanwhile. The worker count is the BLAS thread count the caller chose
/// (`BLASThreads.set`), read once when the solve starts, so the pipeline's one-thread-per-task runs
/// stay sequential and a given thread count always gives the same bits.
struct BlockParallelism: Sendable {
    /// Number of chunks (1 = sequential).
    let workers: Int

    /// The caller's BLAS thread count, at most 8.
    static func current() -> BlockParallelism {
        BlockParallelism(workers: max(1, min(BLASThreads.current, 8)))
    }

    /// Runs `body(w)` for w in 0..<count, in parallel when count > 1, with BLAS single-threaded meanwhile
    /// (`BLASThreads.singleThreaded`, whose lock the trainer's workers share).
    func run(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 { body(0); return }
        BLASThreads.singleThreaded {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// Runs `body(range)` over `0..<total` split into at most `workers` contiguous chunks (in parallel
    /// when there are several and `total` reaches `minimum`).
    func forEachChunk(of total: Int, minimum: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
        let count = total >= minimum ? min(workers, max(1, total)) : 1
        let chunk = (total + count - 1) / max(1, count)
        run(count) { w in
            let lo = w * chunk, hi = min(total, (w + 1) * chunk)
            if lo < hi { body(lo..<hi) }
        }
    }
}

/// One slot per item, written by whichever chunk owns the item (distinct indices, so no two workers
/// touch the same slot), read after the parallel phase. Raw storage: no exclusivity or copy-on-write
/// checks between the workers.
final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer<Value?>.allocate(capacity: max(1, count))
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    subscript(i: Int) -> Value? {
        get { slots[i] }
        set { slots[i] = newValue }
    }

    /// The values; every slot must have been written.
    var values: [Value] { (0..<count).map { slots[$0]! } }
}

/// A raw buffer handed to the workers of a parallel phase, each of which writes only its own part.
struct SharedBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}

/// A read-only raw buffer handed to the workers of a parallel phase.
struct SharedReadOnlyBuffer: @unchecked Sendable {
    let base: UnsafePointer<Double>
}
