// Shapes of the six dynamic dependency graphs of js-reactivity-benchmark (the "reactively"
// configurations). A shape is plain data — which nodes are static, which nodes each one
// reads, which leaves the effect reads — so the systems and the plain-JS reference
// (./dynamic-reference.mjs) evaluate exactly the same graph.
import { seededRandom } from '../random.mjs'

/**
 * @typedef {object} GraphConfig
 * @property {number} width sources, and computeds per layer
 * @property {number} totalLayers the source layer plus the computed layers
 * @property {number} staticFraction share of computeds that always read all their sources
 * @property {number} nSources how many nodes of the layer before each computed reads
 * @property {number} readFraction share of the last layer the effect reads
 * @property {number} iterations writes per run
 */

/** @type {GraphConfig[]} */
export const graphConfigs = [
  { width: 10, totalLayers: 5, staticFraction: 1, nSources: 2, readFraction: 0.2, iterations: 600000 },
  { width: 10, totalLayers: 10, staticFraction: 3 / 4, nSources: 6, readFraction: 0.2, iterations: 15000 },
  { width: 1000, totalLayers: 12, staticFraction: 0.95, nSources: 4, readFraction: 1, iterations: 7000 },
  { width: 1000, totalLayers: 5, staticFraction: 1, nSources: 25, readFraction: 1, iterations: 3000 },
  { width: 5, totalLayers: 500, staticFraction: 1, nSources: 3, readFraction: 1, iterations: 500 },
  { width: 100, totalLayers: 15, staticFraction: 0.5, nSources: 6, readFraction: 1, iterations: 2000 },
]

/** The upstream title: `nSources-widthxlayers`, then dynamic and lazy shares. @param {GraphConfig} c */
export function graphTitle(c) {
  const percent = (/** @type {number} */ n) => `${Math.round(n * 100)}%`
  const dyn = c.staticFraction < 1 ? ` dyn${percent(1 - c.staticFraction)}` : ''
  const lazy = c.readFraction < 1 ? ` lazy${percent(1 - c.readFraction)}` : ''
  return `${c.nSources}-${c.width}x${c.totalLayers}${dyn}${lazy}`
}

/**
 * @typedef {object} NodeShape
 * @property {boolean} isStatic a dynamic node skips one of its tail sources depending on its first
 * @property {number[]} sources indexes into the layer before
 */

/**
 * @param {GraphConfig} c
 * @returns {{ layers: NodeShape[][], readLeaves: number[] }}
 */
export function graphShape(c) {
  const random = seededRandom()
  /** @type {NodeShape[][]} */
  const layers = []
  for (let l = 0; l < c.totalLayers - 1; l++) {
    /** @type {NodeShape[]} */
    const layer = []
    for (let i = 0; i < c.width; i++) {
      const sources = []
      for (let k = 0; k < c.nSources; k++) sources.push((i + k) % c.width)
      layer.push({ isStatic: random() < c.staticFraction, sources })
    }
    layers.push(layer)
  }
  const pick = seededRandom()
  const readLeaves = Array.from({ length: c.width }, (_, i) => i)
  const skip = Math.round(c.width * (1 - c.readFraction))
  for (let i = 0; i < skip; i++) readLeaves.splice(Math.floor(pick() * readLeaves.length), 1)
  return { layers, readLeaves }
}

/**
 * What a dynamic node adds up: its first source, then every tail source except, when
 * the first is odd, the one at index first % tail length. Shared by the systems and the
 * reference so both compute identical floating-point sums.
 * @param {number} first
 * @param {number} tailLength
 * @returns {number} the tail index to skip, or -1
 */
export function droppedTail(first, tailLength) {
  return first & 1 ? first % tailLength : -1
}
