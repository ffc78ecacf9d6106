// Keeps the benchmark harness honest: every case runs at a tiny size for every system
// in-process and passes its checks, deliberately wrong adapters are caught, and the
// plain-JS references agree with the published js-reactivity-benchmark values and with
// the precomputed table the runner uses.
import { describe, expect, it } from 'vitest'
import type { Adapter } from './adapters/index.mjs'
import { loadAdapter, systems } from './adapters/index.mjs'
import {
  CheckError,
  type Case,
  cases,
  cellxLayers,
  dynamicIterations,
  graphConfigs,
  graphTitle,
  precomputedRuns,
  referenceRuns,
  scales,
} from './cases/index.mjs'

const tiny = scales.tiny

function runCase(benchCase: Case, adapter: Adapter): void {
  const prepared = benchCase.prepare(adapter, tiny)
  try {
    for (let i = 0; i < tiny.samples[benchCase.kind]; i++) {
      const ms = prepared.sample()
      expect(ms).toBeGreaterThanOrEqual(0)
    }
  } finally {
    prepared.dispose()
  }
}

describe.each([...systems])('%s runs every case correctly at a tiny size', (system) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, benchCase) => {
    const { adapter } = await loadAdapter(system)
    runCase(benchCase, adapter)
  })
})

/** alien-signals with one fault injected. */
async function broken(
  fault: 'ignores writes' | 'stale computeds' | 'effects never re-run',
): Promise<Adapter> {
  const { adapter: base } = await loadAdapter('alien-signals')
  return {
    ...base,
    name: `broken (${fault})`,
    signal<T>(initial: T) {
      const inner = base.signal(initial)
      return fault === 'ignores writes' ? { read: () => inner.read(), write: () => {} } : inner
    },
    computed<T>(fn: () => T) {
      const inner = base.computed(fn)
      if (fault !== 'stale computeds') return inner
      let cached: { value: T } | null = null
      return {
        read: () => {
          if (cached === null) cached = { value: inner.read() }
          return cached.value
        },
      }
    },
    effect(fn: () => void) {
      if (fault !== 'effects never re-run') return base.effect(fn)
      let first = true
      base.effect(() => {
        if (!first) return
        first = false
        fn()
      })
    },
  }
}

describe('a wrong system is reported, not timed', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s catches every injected fault',
    async (name, benchCase) => {
      for (const fault of ['ignores writes', 'stale computeds', 'effects never re-run'] as const) {
        const adapter = await broken(fault)
        // avoidable propagation expects its effect never to re-run, so that fault is correct there
        if (fault === 'effects never re-run' && name === 'kairo/avoidable') {
          expect(() => runCase(benchCase, adapter)).not.toThrow()
        } else {
          expect(() => runCase(benchCase, adapter), `${name} with ${fault}`).toThrow(CheckError)
        }
      }
    },
  )
})

describe('plain-JS references', () => {
  it('cellx layers match the values js-reactivity-benchmark publishes', () => {
    for (const layers of [1000, 2500]) {
      expect(cellxLayers([1, 2, 3, 4], layers).at(-1)).toEqual([-3, -6, -2, 2])
      expect(cellxLayers([4, 3, 2, 1], layers).at(-1)).toEqual([-2, -4, 2, 3])
    }
  })

  it('the precomputed table holds what the reference computes (quick size)', () => {
    const table = precomputedRuns()
    for (const config of graphConfigs) {
      const iterations = dynamicIterations(config, scales.quick)
      const key = `${graphTitle(config)}/${iterations}`
      expect(table[key], key).toEqual(referenceRuns(config, iterations, 2))
    }
  }, 300_000)

  // the table's full-size entries were computed by the same reference (dynamic-expected.mjs)
  it('the precomputed table has the published sums and counts at full size', () => {
    const table = precomputedRuns()
    const published = [
      [19199968, 3480000],
      [302310782860, 1155000],
      [29355933696000, 1463000],
      [1171484375000, 732000],
      [3.0239642676898464e241, 1246500],
      [15664996402790400, 1078000],
    ]
    graphConfigs.forEach((config, i) => {
      const steady = table[`${graphTitle(config)}/${dynamicIterations(config, scales.full)}`]?.[1]
      expect([steady?.sum, steady?.count]).toEqual(published[i])
    })
  })
})
