// CPU profile of one system on chosen cases, summarised as the top frames by self time:
//   node bench/reactivity/profile.mjs --cases kairo/mux,cellx/1000 [--system strata] [--top 20] [--quick]
// Runs the worker under `node --cpu-prof` (profile kept in a temp directory, path
// printed) so a core developer can see what dominates a slow case.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cases } from './cases/index.mjs'

const args = process.argv.slice(2)
const option = (/** @type {string} */ name, /** @type {string} */ fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? /** @type {string} */ (args[i + 1]) : fallback
}
const system = option('--system', 'strata')
const filters = option('--cases', '').split(',').filter(Boolean)
const top = Number(option('--top', '25'))
const selected = cases
  .map((c) => c.name)
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
const dir = mkdtempSync(join(tmpdir(), 'strata-cpuprof-'))
const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url))
const request = JSON.stringify({
  system,
  cases: selected,
  scale: args.includes('--quick') ? 'quick' : 'full',
})
const run = spawnSync(
  process.execPath,
  ['--expose-gc', '--cpu-prof', '--cpu-prof-dir', dir, worker, request],
  {
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  },
)
for (const line of run.stdout.trim().split('\n')) {
  const event = JSON.parse(line)
  if (event.type === 'result') console.log(`${event.case}: ${event.ms.toFixed(2)} ms`)
  if (event.type === 'error') console.log(`${event.case}: ERROR ${event.message}`)
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (file === undefined) throw new Error(`no profile written: ${run.stderr}`)

/** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }[], samples: number[], timeDeltas: number[] }} */
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'))
/** @type {Map<number, number>} node id → sampled microseconds */
const selfTime = new Map()
profile.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})
/** @type {Map<string, number>} */
const byFrame = new Map()
let total = 0
for (const node of profile.nodes) {
  const us = selfTime.get(node.id) ?? 0
  total += us
  const { functionName, url, lineNumber } = node.callFrame
  const where = url ? `${url.replace(/^file:\/\//, '').replace(process.cwd(), '.')}:${lineNumber + 1}` : ''
  const key = `${functionName || '(anonymous)'} ${where}`.trim()
  byFrame.set(key, (byFrame.get(key) ?? 0) + us)
}
console.log(`\n${system}: top ${top} frames by self time (${(total / 1000).toFixed(0)} ms sampled)`)
for (const [frame, us] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${frame}`,
  )
}
console.log(`\nprofile: ${join(dir, file)}`)
