// The one workload both systems run (bench/store). Every number a case uses lives here so
// the Strata and LiveStore children cannot drift apart. STRATA_BENCH_QUICK=1 (run.mjs
// --quick) shrinks every size so the harness itself can be smoke-tested in seconds.
const quick = process.env.STRATA_BENCH_QUICK === '1'
const size = (full, small) => (quick ? small : full)

/** Single-event commits attempted per system (LiveStore is additionally capped by time). */
export const SINGLE_COMMITS = size(10_000, 200)
/** Wall-clock cap for the single-commit loop; the rate is extrapolated from what ran. */
export const SINGLE_COMMIT_TIME_CAP_MS = size(45_000, 5_000)
/** Events committed in batches, and the batch size. */
export const BATCHED_EVENTS = size(10_000, 1_000)
export const BATCH_SIZE = 100
/** Commit→subscriber samples per query shape (10,000 rows present). */
export const LATENCY_SAMPLES = size(100, 10)
/**
 * Commits per query shape before the measured ones, not timed: the first commits of an
 * event name run its path cold (JIT), which put Strata's by-id median ~30% above its
 * steady state with 100 samples. Both systems get the same warm-up (decision 0037).
 */
export const LATENCY_WARMUP = size(25, 2)
/** Events in the log for the boot case. */
export const BOOT_EVENTS = size(100_000, 2_000)
/** Boot runs per system (fresh process each); the median is reported. */
export const BOOT_RUNS = size(3, 1)
/** Single-commit runs per system (fresh process each, systems alternating); the median is reported. */
export const SINGLE_RUNS = size(3, 1)
/**
 * Batched-commit + latency runs per system (fresh process each, systems alternating): each
 * batched rate and latency statistic is the median over runs, peak RSS the highest.
 */
export const BATCHED_RUNS = size(3, 1)

/** The payload of the n-th created item: a 4-column row with a text primary key. */
export const itemArgs = (n) => ({ id: `item-${n}`, title: `Item number ${n}`, n })

/** Median and 90th percentile of a list of numbers (ms). */
export const summarize = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { median: at(0.5), p90: at(0.9), n: sorted.length }
}

/** Yield to the event loop so background work (LiveStore's leader, I/O) can run. */
export const yieldMacrotask = () => new Promise((resolve) => setImmediate(resolve))

/**
 * Commit→subscriber latency: `commit(i)` commits the i-th change, `subscribe(fn)` watches
 * the query (fn may be called at once with the current value; that call is ignored).
 * Times from just before `commit` to the subscriber call, one commit per task, after
 * LATENCY_WARMUP untimed commits.
 */
export const measureLatency = async (subscribe, commit) => {
  const samples = []
  let started = -1
  let resolveSample
  const unsubscribe = subscribe(() => {
    if (started < 0) return
    const elapsed = performance.now() - started
    started = -1
    resolveSample(elapsed)
  })
  for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
    const sample = new Promise((resolve) => {
      resolveSample = resolve
    })
    started = performance.now()
    commit(i)
    const elapsed = await sample
    if (i >= LATENCY_WARMUP) samples.push(elapsed)
    await yieldMacrotask()
  }
  unsubscribe()
  return summarize(samples)
}
