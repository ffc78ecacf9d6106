/**
 * Property test: random graphs of signals, computeds (with dynamic, conditional
 * dependencies) and effects, driven by random batches of writes, checked against a
 * naive reference that recomputes everything from scratch after every batch.
 * Asserts identical values, that effects only ever see a consistent state, and that an
 * effect runs exactly when a value it read in its previous run changed.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { batch } from './batch.js'
import { computed } from './computed.js'
import { effect } from './effect.js'
import { effectScope } from './scope.js'
import { signal } from './signal.js'
import type { ReadableStore, Signal } from './types.js'

interface Derived {
  a: number
  b: number
  c: number
  k: number
}

/** The one formula every computed and effect uses: reads `a`, then `b` or `c` depending on it. */
function formula(d: Derived, read: (i: number) => number): number {
  const x = read(d.a)
  return x % 2 === 0 ? (read(d.b) + d.k) % 4 : (read(d.c) * 3 + x) % 4
}

const pick = (max: number) => fc.nat({ max: 1000 }).map((n) => n % max)

const graphArb = fc
  .record({
    signals: fc.integer({ min: 1, max: 5 }),
    computeds: fc.integer({ min: 0, max: 14 }),
    effects: fc.integer({ min: 1, max: 6 }),
  })
  .chain(({ signals, computeds, effects }) =>
    fc.record({
      signals: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: signals, maxLength: signals }),
      computeds: fc.tuple(
        ...Array.from({ length: computeds }, (_, i) =>
          fc.record({
            a: pick(signals + i),
            b: pick(signals + i),
            c: pick(signals + i),
            k: fc.integer({ min: 0, max: 3 }),
          }),
        ),
      ),
      effects: fc.array(
        fc.record({
          a: pick(signals + computeds),
          b: pick(signals + computeds),
          c: pick(signals + computeds),
          k: fc.constant(0),
        }),
        { minLength: effects, maxLength: effects },
      ),
      batches: fc.array(
        fc.array(fc.tuple(pick(signals), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 4 }),
        {
          minLength: 1,
          maxLength: 12,
        },
      ),
    }),
  )

function reference(initial: number[], computeds: Derived[]): number[] {
  const values = [...initial]
  for (const d of computeds) values.push(formula(d, (i) => values[i]!))
  return values
}

describe('reactive graph against a from-scratch reference', () => {
  it('matches values and runs each effect exactly when needed', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const sources: Signal<number>[] = g.signals.map((v) => signal(v))
        const nodes: ReadableStore<number>[] = [...sources]
        for (const d of g.computeds) nodes.push(computed(() => formula(d, (i) => nodes[i]!.get())))

        const state = g.signals.slice()
        let expected = reference(state, g.computeds)
        const runs = g.effects.map(() => 0)
        const lastReads: Set<number>[] = g.effects.map(() => new Set())
        const problems: string[] = []

        const stop = effectScope(() => {
          g.effects.forEach((d, e) => {
            effect(() => {
              runs[e]!++
              const reads = new Set<number>()
              formula(d, (i) => {
                const v = nodes[i]!.get()
                if (v !== expected[i])
                  problems.push(`effect ${e} saw node ${i}=${v}, expected ${expected[i]}`)
                reads.add(i)
                return v
              })
              lastReads[e] = reads
            })
          })
        })

        for (const writes of g.batches) {
          const before = expected
          for (const [s, v] of writes) state[s] = v
          expected = reference(state, g.computeds)
          const shouldRun = lastReads.map((reads) => [...reads].some((i) => before[i] !== expected[i]))
          const runsBefore = runs.slice()
          batch(() => {
            for (const [s, v] of writes) sources[s]!.set(v)
          })
          expect(problems).toEqual([])
          expect(runs.map((r, e) => r - runsBefore[e]!)).toEqual(shouldRun.map((should) => (should ? 1 : 0)))
          expect(nodes.map((n) => n.get())).toEqual(expected)
        }
        stop()
      }),
      { numRuns: 400 },
    )
  })
})
