// A crowd of passive WebSocket clients in its own process: each opens a session on one
// store (raw protocol: hello, then it just receives the live stream). Used to hold N
// connections on a node and as fan-out load in the latency cases.
// argv: <wsUrl> <storeId> <count>. IPC: replies { t: 'ready', held } once all are
// welcomed; 'count' → { t: 'count', held, events }; 'stop' → closes all and exits.
import { WebSocket } from 'ws'

const [wsUrl, storeId, countArg] = process.argv.slice(2)
const count = Number(countArg)
const sockets = []
let welcomed = 0
let events = 0
let failed = 0
process.stdout.write(`${JSON.stringify({ pid: process.pid })}\n`)

function open(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl)
    let done = false
    const finish = (ok) => {
      if (done) return
      done = true
      if (ok) welcomed++
      else failed++
      resolve()
    }
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ t: 'hello', v: 1, storeId, clientId: `crowd-${process.pid}-${i}`, cursor: 0 }),
      ),
    )
    ws.on('message', (data) => {
      const text = String(data)
      if (text.startsWith('{"t":"welcome"')) finish(true)
      else if (text.startsWith('{"t":"events"')) events++
    })
    ws.on('error', () => finish(false))
    ws.on('close', () => finish(false))
    sockets.push(ws)
  })
}

// Open in waves so the accept queue is not flooded (a realistic ramp-up).
for (let i = 0; i < count; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => open(i + k)))
}
process.send({ t: 'ready', held: welcomed, failed })
process.on('message', (m) => {
  if (m === 'count') {
    const held = sockets.filter((s) => s.readyState === WebSocket.OPEN).length
    process.send({ t: 'count', held, events })
  } else if (m === 'stop') {
    for (const s of sockets) s.terminate()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
