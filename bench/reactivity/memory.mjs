// Memory per node, measured in a fresh process (run with --expose-gc):
//   node --expose-gc bench/reactivity/memory.mjs <system> <signal|computed> [count]
// Creates `count` of the system's own nodes (adapter.native: no adapter wrappers) and
// prints the heap growth divided by the count. A computed reads one shared signal once,
// so it holds its evaluated value and its dependency link — the cost of a live node.
import { loadAdapter } from './adapters/index.mjs'

const [system = '', kind = '', countArg = '100000'] = process.argv.slice(2)
const count = Number(countArg)
const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc
if (gc === undefined) throw new Error('run with --expose-gc')
const collect = () => {
  gc()
  gc()
}
if (kind !== 'signal' && kind !== 'computed')
  throw new Error(`kind must be signal or computed, not "${kind}"`)

const { adapter } = await loadAdapter(system)
const source = adapter.native.signal(1)
/** @type {(i: number) => unknown} */
const make =
  kind === 'signal'
    ? (i) => adapter.native.signal(i)
    : () => adapter.native.computed(/** @type {never} */ (source))

// Let the engine settle the shapes of these objects before measuring.
const warm = []
for (let i = 0; i < 1000; i++) warm.push(make(i))

const keep = new Array(count).fill(null)
collect()
const before = process.memoryUsage().heapUsed
for (let i = 0; i < count; i++) keep[i] = make(i)
collect()
const after = process.memoryUsage().heapUsed
process.stdout.write(
  `${JSON.stringify({ system, kind, count, bytesPerNode: (after - before) / count, kept: keep.length + warm.length })}\n`,
)
