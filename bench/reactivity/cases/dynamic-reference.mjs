// Plain-JS reference for the dynamic graphs: evaluates a shape the way a correct lazy,
// glitch-free system must, with no reactive library. It yields per run the sum of the
// read leaves, how many times computeds ran, and how many times the effect ran.
//
// Model: every node keeps the sources it read on its last run and their versions then;
// when pulled it checks those sources in read order (pulling each first) and re-runs at
// the first one whose version moved. A value that re-computes to an equal number keeps
// its version. The effect re-runs when a read leaf's version moved. Sources bump their
// version only when written a different value.
//
// Shortcut (it changes no result): a changed source marks every node that could read it
// (any node downstream along the graph's possible edges) as stale; a node not marked
// stale since it was last checked has no changed source anywhere upstream, so checking
// its dependencies would find nothing and it returns at once.
import { droppedTail, graphShape } from './dynamic-graph.mjs'

/**
 * @param {import('./dynamic-graph.mjs').GraphConfig} config
 * @param {number} iterations writes per run
 * @param {number} runs how many runs to simulate back to back
 * @returns {{ sum: number, count: number, effectRuns: number }[]}
 */
export function referenceRuns(config, iterations, runs) {
  const { layers, readLeaves } = graphShape(config)
  const width = config.width
  const depth = layers.length
  // node (l, i) is index l * width + i; sources are layer -1, kept apart
  const total = depth * width
  const value = new Float64Array(total)
  const version = new Float64Array(total)
  const checkedAt = new Float64Array(total).fill(-1)
  /** @type {(Int32Array | null)[]} */
  const deps = new Array(total).fill(null)
  /** @type {(Float64Array | null)[]} */
  const depVersions = new Array(total).fill(null)
  const sourceValue = Float64Array.from({ length: width }, (_, i) => i)
  const sourceVersion = new Float64Array(width)
  const stale = new Uint8Array(total).fill(1)
  // readers[l][i]: the nodes of layer l that may read node i of the layer below (layer 0 reads the sources)
  const readers = Array.from({ length: depth + 1 }, () =>
    Array.from({ length: width }, () => /** @type {number[]} */ ([])),
  )
  layers.forEach((layer, l) => {
    layer.forEach((node, i) => {
      for (const d of new Set(node.sources)) readers[l]?.[d]?.push(i)
    })
  })
  const floodedAt = new Float64Array(total).fill(-1)
  /** mark everything downstream of source `dex` stale @param {number} dex */
  const flood = (dex) => {
    /** @type {number[]} */
    let frontier = readers[0]?.[dex] ?? []
    for (let l = 0; l < depth && frontier.length > 0; l++) {
      /** @type {number[]} */
      const next = []
      for (const i of frontier) {
        const n = l * width + i
        if (floodedAt[n] === epoch) continue
        floodedAt[n] = epoch
        stale[n] = 1
        for (const r of readers[l + 1]?.[i] ?? []) next.push(r)
      }
      frontier = next
    }
  }
  let epoch = 0
  let count = 0

  /** @param {number} l @param {number} i */
  const read = (l, i) => {
    if (l < 0) return sourceValue[i] ?? 0
    pull(l, i)
    return value[l * width + i] ?? 0
  }
  /** @param {number} l @param {number} i */
  const versionOf = (l, i) => (l < 0 ? (sourceVersion[i] ?? 0) : (version[l * width + i] ?? 0))

  /** @param {number} l @param {number} i */
  const pull = (l, i) => {
    const n = l * width + i
    if (checkedAt[n] === epoch) return
    checkedAt[n] = epoch
    if (stale[n] === 0) return
    stale[n] = 0
    const lastDeps = deps[n]
    let dirty = lastDeps === null
    if (lastDeps !== null) {
      const seen = /** @type {Float64Array} */ (depVersions[n])
      for (let k = 0; k < lastDeps.length; k++) {
        const d = lastDeps[k] ?? 0
        if (l > 0) pull(l - 1, d)
        if (versionOf(l - 1, d) !== seen[k]) {
          dirty = true
          break
        }
      }
    }
    if (!dirty) return
    count++
    const shape = /** @type {import('./dynamic-graph.mjs').NodeShape} */ (layers[l]?.[i])
    /** @type {number[]} */
    const readNow = []
    let sum
    if (shape.isStatic) {
      sum = 0
      for (const d of shape.sources) {
        sum += read(l - 1, d)
        readNow.push(d)
      }
    } else {
      const first = shape.sources[0] ?? 0
      sum = read(l - 1, first)
      readNow.push(first)
      const tailLength = shape.sources.length - 1
      const skip = droppedTail(sum, tailLength)
      for (let t = 0; t < tailLength; t++) {
        if (t === skip) continue
        const d = shape.sources[t + 1] ?? 0
        sum += read(l - 1, d)
        readNow.push(d)
      }
    }
    deps[n] = Int32Array.from(readNow)
    depVersions[n] = Float64Array.from(readNow, (d) => versionOf(l - 1, d))
    if (lastDeps === null || value[n] !== sum) {
      value[n] = sum
      version[n] = (version[n] ?? 0) + 1
    }
  }

  const last = depth - 1
  /** @type {Float64Array} */
  let effectSeen = new Float64Array(readLeaves.length)
  let effectRuns = 0
  const runEffect = () => {
    effectRuns++
    effectSeen = Float64Array.from(readLeaves, (i) => {
      pull(last, i)
      return version[last * width + i] ?? 0
    })
  }
  const checkEffect = () => {
    for (let k = 0; k < readLeaves.length; k++) {
      const i = readLeaves[k] ?? 0
      pull(last, i)
      if (version[last * width + i] !== effectSeen[k]) {
        runEffect()
        return
      }
    }
  }

  runEffect() // the effect's first run, while the graph is built
  const results = []
  for (let r = 0; r < runs; r++) {
    count = 0
    effectRuns = 0
    for (let it = 0; it < iterations; it++) {
      epoch++
      const dex = it % width
      const next = it + dex
      if (sourceValue[dex] !== next) {
        sourceValue[dex] = next
        sourceVersion[dex] = (sourceVersion[dex] ?? 0) + 1
        flood(dex)
      }
      checkEffect()
    }
    let sum = 0
    for (const i of readLeaves) sum = read(last, i) + sum
    results.push({ sum, count, effectRuns })
  }
  return results
}
