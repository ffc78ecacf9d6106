/**
 * A real @strata/server in its own process, for the end-to-end tests (spawned by
 * `harness.ts`). argv: <db> <port> <strict:0|1> [jwtSecret]; env STRATA_MAX_FRAME_BYTES sets
 * `limits.maxFrameBytes`. Prints one JSON line with the URLs once listening; SIGTERM closes
 * gracefully.
 */
import { startSyncServer } from '@strata/server'
import { schema, strictServerEvents } from './todo-schema.js'

const [db = ':memory:', port = '0', strict = '0', jwtSecret] = process.argv.slice(2)
const maxFrameBytes = process.env.STRATA_MAX_FRAME_BYTES
const server = await startSyncServer({
  db,
  port: Number(port),
  schema: strict === '1' ? strictServerEvents : schema,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  ...(jwtSecret ? { jwt: { secret: jwtSecret } } : {}),
  ...(maxFrameBytes ? { limits: { maxFrameBytes: Number(maxFrameBytes) } } : {}),
})
process.stdout.write(`${JSON.stringify({ url: server.url, wsUrl: server.wsUrl, port: server.port })}\n`)
process.on('SIGTERM', () => {
  server.close({ timeoutMs: 2000 }).then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
