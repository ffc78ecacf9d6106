// Every benchmark case, in table order, and the size presets the runner and the smoke
// test choose from.
import { cellxCases } from './cellx.mjs'
import { dynamicCases } from './dynamic.mjs'
import { kairoCases } from './kairo.mjs'

export { cellxLayers } from './cellx.mjs'
export { CheckError } from './check.mjs'
export { dynamicIterations, precomputedRuns } from './dynamic.mjs'
export { graphConfigs, graphTitle } from './dynamic-graph.mjs'
export { referenceRuns } from './dynamic-reference.mjs'

/** @type {import('./index.d.mts').Case[]} */
export const cases = [...kairoCases, ...cellxCases, ...dynamicCases]

/**
 * Size presets. `full` follows js-reactivity-benchmark (500 kairo passes per sample,
 * the upstream iteration counts); `quick` is a smoke run; `tiny`, for the unit test, also
 * shrinks the graphs so every system (nanostores included) gets through every case.
 * @type {Record<'full' | 'quick' | 'tiny', import('./index.d.mts').Scale>}
 */
export const scales = {
  full: {
    kairoLoops: 500,
    cellxBuilds: 5,
    dynamicFactor: 1,
    cap: null,
    warmup: { kairo: 2, cellx: 2, dynamic: 2 },
    samples: { kairo: 5, cellx: 6, dynamic: 3 },
  },
  quick: {
    kairoLoops: 50,
    cellxBuilds: 2,
    dynamicFactor: 0.05,
    cap: null,
    warmup: { kairo: 1, cellx: 1, dynamic: 1 },
    samples: { kairo: 3, cellx: 2, dynamic: 2 },
  },
  tiny: {
    kairoLoops: 2,
    cellxBuilds: 1,
    dynamicFactor: 0.002,
    cap: { cellxLayers: 40, width: 40, totalLayers: 10 },
    warmup: { kairo: 0, cellx: 0, dynamic: 0 },
    samples: { kairo: 2, cellx: 1, dynamic: 2 },
  },
}
