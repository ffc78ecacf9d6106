// One benchmark process: loads ONE system's adapter and runs the requested cases in
// order, printing one JSON line per event on stdout for run.mjs. Each system gets fresh
// processes so one system's JIT and heap history cannot skew another's.
//
//   node --expose-gc bench/reactivity/worker.mjs '{"system":"strata","cases":["kairo/deep"],"scale":"full"}'
import { loadAdapter } from './adapters/index.mjs'
import { cases, scales } from './cases/index.mjs'

/** @param {Record<string, unknown>} event */
function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const collect = () => {
  const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc
  if (gc) {
    gc()
    gc()
  }
}
const tick = () => new Promise((resolve) => setImmediate(resolve))

const request = JSON.parse(process.argv[2] ?? '{}')
const { adapter } = await loadAdapter(request.system)
const scale = scales[/** @type {'full' | 'quick' | 'tiny'} */ (request.scale)]
if (scale === undefined) throw new Error(`unknown scale ${request.scale}`)
emit({ type: 'ready', system: adapter.name, standIn: adapter.standIn ?? null })

for (const name of request.cases) {
  const benchCase = cases.find((c) => c.name === name)
  if (benchCase === undefined) {
    emit({ type: 'error', case: name, message: 'no such case' })
    continue
  }
  emit({ type: 'start', case: name })
  collect()
  await tick()
  try {
    const prepared = benchCase.prepare(adapter, scale)
    emit({ type: 'progress' })
    for (let i = 0; i < scale.warmup[benchCase.kind]; i++) {
      prepared.sample()
      emit({ type: 'progress' })
      await tick()
    }
    const samples = []
    for (let i = 0; i < scale.samples[benchCase.kind]; i++) {
      samples.push(prepared.sample())
      emit({ type: 'progress' })
      await tick()
    }
    prepared.dispose()
    emit({ type: 'result', case: name, ms: Math.min(...samples), samples })
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    emit({ type: 'error', case: name, message })
  }
  collect()
}
emit({ type: 'done' })
process.exit(0)
