// The cellx workload (after Riim/cellx's perf page, as js-reactivity-benchmark runs it):
// `layers` layers of four computeds, each layer reading the one before crosswise, one
// effect per computed. A sample builds the graph (untimed), then times one batched write
// of the four sources plus reading the last layer, and checks both the values read and
// the number of effect runs against a plain-JS evaluation of the same layers.
import { CheckError, expectEqual } from './check.mjs'

/** @typedef {[number, number, number, number]} Four */

/**
 * Plain-JS reference: the value of every layer for the given sources.
 * @param {Four} start @param {number} layers @returns {Four[]} layer 0 is the sources
 */
export function cellxLayers(start, layers) {
  /** @type {Four[]} */
  const out = [start]
  let [a, b, c, d] = start
  for (let i = 0; i < layers; i++) {
    ;[a, b, c, d] = [b, a - c, b + d, c]
    out.push([a, b, c, d])
  }
  return out
}

/** @type {Map<number, { before: Four, after: Four, changed: number }>} */
const references = new Map()

/** @param {number} layers */
function reference(layers) {
  let ref = references.get(layers)
  if (ref === undefined) {
    const before = cellxLayers([1, 2, 3, 4], layers)
    const after = cellxLayers([4, 3, 2, 1], layers)
    let changed = 0
    for (let l = 1; l <= layers; l++) {
      for (let k = 0; k < 4; k++) if (before[l]?.[k] !== after[l]?.[k]) changed++
    }
    ref = {
      before: /** @type {Four} */ (before[layers]),
      after: /** @type {Four} */ (after[layers]),
      changed,
    }
    references.set(layers, ref)
  }
  return ref
}

/**
 * Build one cellx graph in the current root.
 * @param {import('../adapters/index.d.mts').Adapter} s @param {number} layers
 * @param {{ runs: number }} counter
 */
function build(s, layers, counter) {
  const sources = [s.signal(1), s.signal(2), s.signal(3), s.signal(4)]
  /** @type {import('../adapters/index.d.mts').Readable<number>[]} */
  let layer = sources
  for (let i = 0; i < layers; i++) {
    const [a, b, c, d] =
      /** @type {[import('../adapters/index.d.mts').Readable<number>, import('../adapters/index.d.mts').Readable<number>, import('../adapters/index.d.mts').Readable<number>, import('../adapters/index.d.mts').Readable<number>]} */ (
        layer
      )
    const next = [
      s.computed(() => b.read()),
      s.computed(() => a.read() - c.read()),
      s.computed(() => b.read() + d.read()),
      s.computed(() => c.read()),
    ]
    for (const node of next) {
      s.effect(() => {
        node.read()
        counter.runs++
      })
    }
    layer = next
  }
  return { sources, end: layer }
}

/** @param {string} what @param {number[]} actual @param {Four} expected */
function expectFour(what, actual, expected) {
  if (actual.some((value, i) => value !== expected[i])) {
    throw new CheckError(`${what}: expected [${expected}], got [${actual}]`)
  }
}

/** @param {number} fullLayers @returns {import('./index.d.mts').Case} */
function cellxCase(fullLayers) {
  const name = `cellx/${fullLayers}`
  return {
    name,
    kind: 'cellx',
    prepare(adapter, scale) {
      const layers = Math.min(fullLayers, scale.cap?.cellxLayers ?? fullLayers)
      const ref = reference(layers)
      return {
        sample() {
          let total = 0
          for (let b = 0; b < scale.cellxBuilds; b++) {
            const counter = { runs: 0 }
            const { result: graph, dispose } = adapter.root(() => build(adapter, layers, counter))
            expectEqual(`${name}: effect runs at creation`, counter.runs, 4 * layers)
            counter.runs = 0
            const { sources, end } = graph
            const start = performance.now()
            const before = end.map((node) => node.read())
            adapter.batch(() => {
              sources[0]?.write(4)
              sources[1]?.write(3)
              sources[2]?.write(2)
              sources[3]?.write(1)
            })
            const after = end.map((node) => node.read())
            total += performance.now() - start
            dispose()
            expectFour(`${name}: last layer before`, before, ref.before)
            expectFour(`${name}: last layer after`, after, ref.after)
            expectEqual(`${name}: effect runs after the write`, counter.runs, ref.changed)
          }
          return total
        },
        dispose() {},
      }
    },
  }
}

/** @type {import('./index.d.mts').Case[]} */
export const cellxCases = [cellxCase(1000), cellxCase(2500)]
