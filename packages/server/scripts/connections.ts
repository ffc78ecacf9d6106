// Connection-capacity probe: a server in a child process holds N WebSocket sessions
// (hello done, idle); prints the server's RSS growth per connection. Not a test.
//   node --import tsx packages/server/scripts/connections.ts [count]
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

const count = Number(process.argv[2] ?? 1000)
if (process.env.STRATA_PROBE_CHILD) {
  const { startSyncServer } = await import('../src/server.js')
  const { silentLogger } = await import('../src/logger.js')
  const server = await startSyncServer({ port: 0, db: ':memory:', logger: silentLogger })
  process.stdout.write(`${server.wsUrl}\n`)
  process.on('message', () => {
    globalThis.gc?.()
    process.send?.({ rss: process.memoryUsage().rss, connections: server.connections() })
  })
} else {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, STRATA_PROBE_CHILD: '1' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  const wsUrl = await new Promise<string>((r) =>
    child.stdout?.once('data', (d: Buffer) => r(d.toString().trim())),
  )
  const measure = () =>
    new Promise<{ rss: number; connections: number }>((r) => {
      child.once('message', (m) => r(m as { rss: number; connections: number }))
      child.send('measure')
    })
  const before = await measure()
  const sockets: WebSocket[] = []
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(wsUrl)
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve())
      ws.once('open', () =>
        ws.send(
          JSON.stringify({ t: 'hello', v: 1, storeId: `team:s${i % 50}`, clientId: `c${i}`, cursor: 0 }),
        ),
      )
    })
    sockets.push(ws)
  }
  const after = await measure()
  console.log(
    JSON.stringify({
      held: after.connections,
      kbPerConnection: +((after.rss - before.rss) / 1024 / count).toFixed(1),
    }),
  )
  for (const ws of sockets) ws.terminate()
  child.kill('SIGKILL')
}
