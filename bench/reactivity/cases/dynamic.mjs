// The six dynamic-graph workloads of js-reactivity-benchmark: a rectangular graph of
// sources and computed layers (some computeds drop a dependency depending on a value),
// one effect reading some or all of the last layer. A run writes one source per
// iteration and reads the leaves; each timed run is checked against the plain-JS
// reference for the leaf sum, the number of computed runs and the number of effect runs.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CheckError } from './check.mjs'
import { droppedTail, graphConfigs, graphShape, graphTitle } from './dynamic-graph.mjs'
import { referenceRuns } from './dynamic-reference.mjs'

/** @typedef {import('../adapters/index.d.mts').Adapter} Adapter */
/** @typedef {import('../adapters/index.d.mts').Readable<number>} Readable */

/**
 * @param {Adapter} s
 * @param {import('./dynamic-graph.mjs').GraphConfig} config
 * @param {{ count: number, effectRuns: number }} counter
 */
function buildGraph(s, config, counter) {
  const shape = graphShape(config)
  const sources = Array.from({ length: config.width }, (_, i) => s.signal(i))
  /** @type {Readable[]} */
  let previous = sources
  for (const layer of shape.layers) {
    const below = previous
    previous = layer.map((node) => {
      const mine = node.sources.map((k) => /** @type {Readable} */ (below[k]))
      if (node.isStatic) {
        return s.computed(() => {
          counter.count++
          let sum = 0
          for (const source of mine) sum += source.read()
          return sum
        })
      }
      const first = /** @type {Readable} */ (mine[0])
      const tail = mine.slice(1)
      return s.computed(() => {
        counter.count++
        let sum = first.read()
        const skip = droppedTail(sum, tail.length)
        for (let i = 0; i < tail.length; i++) {
          if (i === skip) continue
          sum += /** @type {Readable} */ (tail[i]).read()
        }
        return sum
      })
    })
  }
  const leaves = shape.readLeaves.map((i) => /** @type {Readable} */ (previous[i]))
  s.effect(() => {
    counter.effectRuns++
    for (const leaf of leaves) leaf.read()
  })
  return { sources, leaves }
}

/**
 * One run: write a source per iteration, read the leaves; returns their final sum.
 * @param {Adapter} s
 * @param {{ sources: import('../adapters/index.d.mts').Writable<number>[], leaves: Readable[] }} graph
 * @param {number} iterations
 */
function runGraph(s, graph, iterations) {
  const { sources, leaves } = graph
  const width = sources.length
  for (let i = 0; i < iterations; i++) {
    const dex = i % width
    const source = /** @type {import('../adapters/index.d.mts').Writable<number>} */ (sources[dex])
    s.batch(() => source.write(i + dex))
    for (const leaf of leaves) leaf.read()
  }
  let sum = 0
  for (const leaf of leaves) sum = leaf.read() + sum
  return sum
}

/**
 * Writes per run at a scale: the upstream count times the scale's factor, at least 20.
 * @param {import('./dynamic-graph.mjs').GraphConfig} config
 * @param {import('./index.d.mts').Scale} scale
 */
export function dynamicIterations(config, scale) {
  return Math.max(20, Math.round(config.iterations * scale.dynamicFactor))
}

/** Where the precomputed reference results live (written by ./dynamic-expected.mjs). */
export const expectedFile = fileURLToPath(new URL('./dynamic-expected.json', import.meta.url))

/** @type {Record<string, { sum: number, count: number, effectRuns: number }[]>} */
const precomputed = existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, 'utf8')) : {}

/** The precomputed reference results, keyed `title/iterations`. */
export function precomputedRuns() {
  return precomputed
}

/** @type {Map<string, { sum: number, count: number, effectRuns: number }[]>} */
const computedHere = new Map()

/**
 * Expected results of the first run and of every later one (runs after the first start
 * from the state the previous run left, which is always the same). The reference is slow
 * on the 1000-wide graphs, so the full and quick sizes are read from the precomputed
 * table; any other size is computed here.
 * @param {import('./dynamic-graph.mjs').GraphConfig} config @param {number} iterations
 */
export function expectedRuns(config, iterations) {
  const key = `${graphTitle(config)}/${iterations}`
  let ref = precomputed[key] ?? computedHere.get(key)
  if (ref === undefined) {
    ref = referenceRuns(config, iterations, 2)
    computedHere.set(key, ref)
  }
  return ref
}

/** @param {import('./dynamic-graph.mjs').GraphConfig} fullConfig @returns {import('./index.d.mts').Case} */
function dynamicCase(fullConfig) {
  const name = `dynamic/${graphTitle(fullConfig)}`
  return {
    name,
    kind: 'dynamic',
    prepare(adapter, scale) {
      const cap = scale.cap
      const config =
        cap === null
          ? fullConfig
          : {
              ...fullConfig,
              width: Math.min(fullConfig.width, cap.width),
              totalLayers: Math.min(fullConfig.totalLayers, cap.totalLayers),
            }
      const iterations = dynamicIterations(config, scale)
      const [first, later] = expectedRuns(config, iterations)
      const counter = { count: 0, effectRuns: 0 }
      const { result: graph, dispose } = adapter.root(() => buildGraph(adapter, config, counter))
      let runs = 0
      return {
        sample() {
          counter.count = 0
          counter.effectRuns = 0
          const start = performance.now()
          const sum = runGraph(adapter, graph, iterations)
          const ms = performance.now() - start
          const want = /** @type {{ sum: number, count: number, effectRuns: number }} */ (
            runs === 0 ? first : later
          )
          runs++
          const got = { sum, count: counter.count, effectRuns: counter.effectRuns }
          for (const key of /** @type {const} */ (['sum', 'count', 'effectRuns'])) {
            if (got[key] !== want[key]) {
              throw new CheckError(`${name} run ${runs}: ${key} expected ${want[key]}, got ${got[key]}`)
            }
          }
          return ms
        },
        dispose,
      }
    },
  }
}

/** @type {import('./index.d.mts').Case[]} */
export const dynamicCases = graphConfigs.map(dynamicCase)
