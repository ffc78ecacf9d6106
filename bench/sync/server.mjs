// One sync server node in its own process, for the sync benchmark. argv: <db>.
// Prints one JSON line {url, wsUrl, port} when listening. IPC messages:
//   'mem'  → replies { t: 'mem', rss, heapUsed, external, connections } after a GC
//   'stop' → graceful close, exit.
// Limits are raised above the defaults so the benchmark measures throughput, not the
// rate limiter (which a production deployment keeps).
import { startSyncServer } from '@strata/server'
import { schema } from './schema.mjs'

const db = process.argv[2] ?? ':memory:'
const quiet = { debug() {}, info() {}, warn() {}, error() {} }
const server = await startSyncServer({
  db,
  port: 0,
  schema,
  // The schema is a full store schema, so the materializer dry run is on (decision 0059);
  // STRATA_BENCH_REPLICAS=0 measures payload checks only.
  ...(process.env.STRATA_BENCH_REPLICAS === '0' ? { replicas: false } : {}),
  logger: quiet,
  limits: {
    framesPerSecond: 1_000_000,
    frameBurst: 1_000_000,
    httpRequestsPerSecond: 1_000_000,
    httpBurst: 1_000_000,
    maxEventsPerPush: 1000,
  },
  heartbeat: { intervalMs: 60_000, timeoutMs: 600_000 },
})
process.stdout.write(`${JSON.stringify({ url: server.url, wsUrl: server.wsUrl, port: server.port })}\n`)
process.on('message', async (m) => {
  if (m === 'mem') {
    for (let i = 0; i < 3; i++) globalThis.gc?.()
    const u = process.memoryUsage()
    process.send?.({
      t: 'mem',
      rss: u.rss,
      heapUsed: u.heapUsed,
      external: u.external,
      connections: server.connections(),
    })
  } else if (m === 'stop') {
    await server.close({ timeoutMs: 2000 })
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
