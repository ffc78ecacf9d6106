// Peer latency: Yjs client A sets a map key → client B's observer sees it, through the
// y-websocket-protocol server in its own process. argv: <wsUrl> <room> <samples> <warmup>.
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { payload } from './schema.mjs'

const [wsUrl, roomName, samplesArg, warmupArg] = process.argv.slice(2)
const samples = Number(samplesArg)
const warmup = Number(warmupArg)

async function client() {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, roomName, doc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
  })
  await new Promise((r) => provider.once('sync', r))
  return { doc, provider, map: doc.getMap('items') }
}
const a = await client()
const b = await client()
let waiting
b.map.observe((event) => {
  if (waiting && event.keysChanged.has(waiting.key)) {
    const w = waiting
    waiting = undefined
    w.resolve(performance.now())
  }
})
const lat = []
for (let i = 0; i < warmup + samples; i++) {
  const key = `item-${i}`
  const seen = new Promise((resolve) => {
    waiting = { key, resolve }
  })
  const t0 = performance.now()
  a.map.set(key, payload(i))
  const t1 = await seen
  if (i >= warmup) lat.push(t1 - t0)
}
a.provider.destroy()
b.provider.destroy()
process.stdout.write(`${JSON.stringify({ lat })}\n`)
process.exit(0)
