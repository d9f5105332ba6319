import Foundation
import Planning

/// The deterministic sample of missing tasks that `plan --estimate` computes to calibrate the
/// duration model.
///
/// Strata are (manifest, timing kind) over the missing tasks (a task shared by several manifests
/// belongs to the first that lists it). Within a stratum the tasks are ordered by cost (then key)
/// and `perStratum` of them are taken by systematic sampling proportional to cost: the tasks where
/// the running cost total crosses (j + ½)/perStratum of the stratum's total. Expensive cells, which
/// dominate a stratum's time, are therefore picked more often than cheap ones, and the picks depend
/// only on the plan and the cache, never on timing or chance. A kind with fewer than 2 · perStratum
/// picks (one computed by a single manifest) gets more from the same cost-proportional scheme.
public enum EstimateSample {
    /// The sample of `missing` (tasks of `plan`), in stratum order without repeats.
    public static func select(plan: Plan, missing: [PlannedTask], perStratum: Int) -> [PlannedTask] {
        guard perStratum > 0 else { return [] }
        let missingByKey = Dictionary(missing.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var assigned = Set<String>()
        var picked: [PlannedTask] = []
        var pickedKeys = Set<String>()
        var byKind: [String: [PlannedTask]] = [:]
        for figure in plan.figures {
            var strata: [String: [PlannedTask]] = [:]
            for key in figure.keys.sorted() {
                guard let task = missingByKey[key], task.spec.costUnits > 0, assigned.insert(key).inserted else { continue }
                strata[task.spec.timingKind, default: []].append(task)
            }
            for kind in strata.keys.sorted() {
                byKind[kind, default: []] += strata[kind]!
                for task in systematic(strata[kind]!, count: perStratum) where pickedKeys.insert(task.key).inserted {
                    picked.append(task)
                }
            }
        }
        // A kind only one manifest computes would get `perStratum` picks; top it up from the whole kind so
        // its rate rests on at least 2 · perStratum measurements.
        let minimum = 2 * perStratum
        for kind in byKind.keys.sorted() {
            let pool = byKind[kind]!
            var have = picked.filter { $0.spec.timingKind == kind }.count
            var count = minimum + have
            while have < minimum && have < pool.count && count <= 8 * pool.count {
                // Cheap tasks can be skipped by a coarse systematic grid: refine it until enough are new.
                for task in systematic(pool, count: count) where have < minimum && pickedKeys.insert(task.key).inserted {
                    picked.append(task)
                    have += 1
                }
                count *= 2
            }
        }
        return picked
    }

    /// The further picks of a follow-up round: for every kind whose rate is still known only to a relative
    /// standard error above `target` (measured with the code its missing tasks run), about as many new tasks
    /// as that error says are still needed — n·(error/target)² − n more for n observations, at most doubling
    /// them — chosen cost-proportionally from the kind's missing tasks. Kinds go in order of the absolute
    /// uncertainty they add to the whole (seconds × relative error), and picks stop once their predicted CPU
    /// seconds would pass `budget`. Empty when every kind is known well enough, or nothing fits.
    public static func followUp(missing: [PlannedTask], model: DurationModel, target: Double,
                                budget: Double) -> [PlannedTask] {
        var pools: [String: [PlannedTask]] = [:]
        for task in missing where task.spec.costUnits > 0 { pools[task.spec.timingKind, default: []].append(task) }
        var ranked: [(kind: String, uncertainty: Double, extra: Int)] = []
        for (kind, pool) in pools {
            guard let totals = model.totals(for: pool[0]) else { continue }
            let error = totals.relativeError
            guard error > target else { continue }
            let n = Double(totals.count)
            let needed = Int((n * (error / target) * (error / target) - n).rounded(.up))
            let extra = min(max(needed, 1), totals.count, pool.count)
            let seconds = totals.rate * pool.reduce(0) { $0 + $1.spec.costUnits }
            ranked.append((kind, seconds * error, extra))
        }
        ranked.sort { ($0.uncertainty, $1.kind) > ($1.uncertainty, $0.kind) }
        var picked: [PlannedTask] = []
        var spent = 0.0
        for entry in ranked {
            let totals = model.totals(for: pools[entry.kind]![0])!
            for task in systematic(pools[entry.kind]!, count: entry.extra) {
                let seconds = totals.rate * task.spec.costUnits
                if spent + seconds > budget { continue }
                spent += seconds
                picked.append(task)
            }
        }
        return picked
    }

    /// `count` tasks chosen with probability proportional to cost (systematic, midpoints).
    static func systematic(_ tasks: [PlannedTask], count: Int) -> [PlannedTask] {
        let ordered = tasks.sorted { ($0.spec.costUnits, $0.key) < ($1.spec.costUnits, $1.key) }
        let total = ordered.reduce(0) { $0 + $1.spec.costUnits }
        guard total > 0 else { return [] }
        var result: [PlannedTask] = []
        var running = 0.0
        var j = 0
        for task in ordered {
            running += task.spec.costUnits
            while j < count, running >= total * (Double(j) + 0.5) / Double(count) {
                if result.last?.key != task.key { result.append(task) }
                j += 1
            }
        }
        return result
    }
}
