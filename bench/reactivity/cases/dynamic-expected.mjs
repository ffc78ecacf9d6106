// Writes ./dynamic-expected.json: the plain-JS reference results of every dynamic graph
// at the full and quick sizes. The reference walks the whole graph on every write, which
// takes about a minute for the 1000-wide graphs, so it is computed once here instead of
// in every benchmark process. verify.test.ts recomputes the quick entries to keep the
// file honest. Run after changing a graph or a scale:
//   node bench/reactivity/cases/dynamic-expected.mjs
import { writeFileSync } from 'node:fs'
import { graphConfigs, graphTitle } from './dynamic-graph.mjs'
import { referenceRuns } from './dynamic-reference.mjs'
import { dynamicIterations, expectedFile } from './dynamic.mjs'
import { scales } from './index.mjs'

/** @type {Record<string, unknown>} */
const table = {}
for (const scale of [scales.full, scales.quick]) {
  for (const config of graphConfigs) {
    const iterations = dynamicIterations(config, scale)
    const key = `${graphTitle(config)}/${iterations}`
    const started = performance.now()
    table[key] = referenceRuns(config, iterations, 2)
    console.log(`${key}: ${JSON.stringify(table[key])} (${Math.round(performance.now() - started)} ms)`)
  }
}
writeFileSync(expectedFile, `${JSON.stringify(table, null, 2)}\n`)
console.log(`wrote ${expectedFile}`)
