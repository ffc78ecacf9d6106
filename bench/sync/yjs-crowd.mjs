// Passive Yjs clients (y-websocket providers) in their own process, receiving the same
// fan-out as the measured pair. argv: <wsUrl> <room> <count>. IPC: { t: 'ready' }; 'stop'.
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'

const [wsUrl, roomName, countArg] = process.argv.slice(2)
const count = Number(countArg)
process.setMaxListeners(0) // y-websocket adds an exit listener per provider
process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`)
const providers = []
await Promise.all(
  Array.from({ length: count }, () => {
    const doc = new Y.Doc()
    const p = new WebsocketProvider(wsUrl, roomName, doc, { WebSocketPolyfill: WebSocket, disableBc: true })
    providers.push(p)
    return new Promise((resolve) => p.once('sync', resolve))
  }),
)
process.send({ t: 'ready', held: providers.length })
process.on('message', (m) => {
  if (m === 'stop') {
    for (const p of providers) p.destroy()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
