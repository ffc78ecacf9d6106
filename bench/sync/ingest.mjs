// Server ingest: raw protocol clients push events as fast as the server acknowledges
// them (batches of <batch>, up to 4 pushes in flight per connection), each connection on
// its own store. The server runs in its own process; this process is only the load.
// argv: <wsUrl> <storePrefix> <connections> <eventsPerConnection> <batch>.
// Prints JSON { events, ms, eventsPerSec }.
import { WebSocket } from 'ws'
import { payload } from './schema.mjs'

const [wsUrl, prefix, connArg, perArg, batchArg] = process.argv.slice(2)
const connections = Number(connArg)
const per = Number(perArg)
const batch = Number(batchArg)
const inFlightMax = 4

function run(c) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl)
    const clientId = `ingest-${process.pid}-${c}`
    let next = 1
    let acked = 0
    let inFlight = 0
    let id = 0
    const pump = () => {
      while (inFlight < inFlightMax && next <= per) {
        const events = []
        for (let k = 0; k < batch && next <= per; k++, next++) {
          events.push({ name: 'v1.ItemSet', args: payload(next), clientId, seq: next })
        }
        inFlight++
        ws.send(JSON.stringify({ t: 'push', id: ++id, events }))
      }
    }
    ws.on('open', () =>
      ws.send(JSON.stringify({ t: 'hello', v: 1, storeId: `${prefix}-${c}`, clientId, cursor: 0 })),
    )
    ws.on('message', (data) => {
      const text = String(data)
      if (text.startsWith('{"t":"welcome"')) {
        // Start the clock for this connection at its first push.
        pump()
      } else if (text.startsWith('{"t":"ack"')) {
        const ack = JSON.parse(text)
        inFlight--
        for (const r of ack.results) if (!r.ok) return reject(new Error(`rejected: ${JSON.stringify(r)}`))
        acked += ack.results.length
        if (acked === per) {
          ws.terminate()
          resolve()
        } else pump()
      } else if (text.startsWith('{"t":"error"')) reject(new Error(text))
    })
    ws.on('error', reject)
  })
}

const t0 = performance.now()
await Promise.all(Array.from({ length: connections }, (_, c) => run(c)))
const ms = performance.now() - t0
const events = connections * per
process.stdout.write(`${JSON.stringify({ events, ms, eventsPerSec: events / (ms / 1000) })}\n`)
process.exit(0)
