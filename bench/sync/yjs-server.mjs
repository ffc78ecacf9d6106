// The peer's server: a minimal y-websocket-protocol server (one Y.Doc per room; answers
// sync step 1 with step 2, applies updates and broadcasts them to every socket of the
// room; awareness frames are ignored). y-websocket 3 ships only the client; this is the
// protocol its reference server speaks, written here for the benchmark.
// Prints {wsUrl}; IPC 'stop' exits.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebSocketServer } from 'ws'
import * as Y from 'yjs'

const MESSAGE_SYNC = 0
const rooms = new Map()

function room(name) {
  let r = rooms.get(name)
  if (r) return r
  const doc = new Y.Doc()
  r = { doc, conns: new Set() }
  doc.on('update', (update) => {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MESSAGE_SYNC)
    syncProtocol.writeUpdate(enc, update)
    const msg = encoding.toUint8Array(enc)
    for (const c of r.conns) if (c.readyState === 1) c.send(msg)
  })
  rooms.set(name, r)
  return r
}

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
await new Promise((r) => wss.once('listening', r))
wss.on('connection', (ws, req) => {
  ws.binaryType = 'arraybuffer'
  const r = room((req.url ?? '/').slice(1).split('?')[0])
  r.conns.add(ws)
  ws.on('message', (data) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    const type = decoding.readVarUint(decoder)
    if (type !== MESSAGE_SYNC) return
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MESSAGE_SYNC)
    syncProtocol.readSyncMessage(decoder, enc, r.doc, ws)
    if (encoding.length(enc) > 1) ws.send(encoding.toUint8Array(enc))
  })
  ws.on('close', () => r.conns.delete(ws))
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MESSAGE_SYNC)
  syncProtocol.writeSyncStep1(enc, r.doc)
  ws.send(encoding.toUint8Array(enc))
})
process.stdout.write(`${JSON.stringify({ wsUrl: `ws://127.0.0.1:${wss.address().port}` })}\n`)
process.on('message', (m) => {
  if (m === 'stop') {
    for (const c of wss.clients) c.terminate()
    wss.close(() => process.exit(0))
  }
})
process.on('disconnect', () => process.exit(0))
