import { type AddressInfo, createServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { SyncConfigError } from '../errors.js'
import type { TransportCloseInfo, TransportHandlers } from './transport.js'
import { type WebSocketConstructor, webSocketTransport } from './websocket-transport.js'

const servers: WebSocketServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function echoServer(onConnection?: (socket: import('ws').WebSocket) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  servers.push(wss)
  await new Promise((r) => wss.once('listening', r))
  wss.on('connection', (socket) => {
    socket.on('message', (data) => socket.send(String(data)))
    onConnection?.(socket)
  })
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`
}

function recorder() {
  const frames: unknown[] = []
  let open!: () => void
  let closed!: (i: TransportCloseInfo) => void
  const opened = new Promise<void>((r) => (open = r))
  const closedP = new Promise<TransportCloseInfo>((r) => (closed = r))
  const handlers: TransportHandlers = {
    onOpen: () => open(),
    onMessage: (data) => frames.push(typeof data === 'string' ? JSON.parse(data) : data),
    onClose: (i) => closed(i),
  }
  return { handlers, frames, opened, closed: closedP }
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5))
}

describe('webSocketTransport (real ws server)', () => {
  it('opens, sends JSON frames and receives decoded frames', async () => {
    const url = await echoServer()
    const r = recorder()
    const conn = webSocketTransport({ url }).connect(r.handlers)
    await r.opened
    conn.send({ t: 'ping', ts: 1 })
    await until(() => r.frames.length === 1)
    expect(r.frames).toEqual([{ t: 'ping', ts: 1 }])
    conn.close()
    expect((await r.closed).local).toBe(true)
  })

  it('delivers binary frames as bytes (the client decodes them)', async () => {
    const url = await echoServer((s) => s.send(Buffer.from('{"t":"pong","ts":2}')))
    const r = recorder()
    const conn = webSocketTransport({ url }).connect(r.handlers)
    await until(() => r.frames.length === 1)
    expect(new TextDecoder().decode(r.frames[0] as ArrayBuffer)).toBe('{"t":"pong","ts":2}')
    conn.close()
  })

  it('reports the server close reason', async () => {
    const url = await echoServer((s) => s.close(4001, 'token expired'))
    const r = recorder()
    webSocketTransport({ url }).connect(r.handlers)
    const info = await r.closed
    expect(info).toMatchObject({ reason: 'token expired', code: 4001, local: false })
  })

  it('reports a refused connection as a close with an error (never throws)', async () => {
    const url = await echoServer()
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
    const r = recorder()
    webSocketTransport({ url }).connect(r.handlers)
    const info = await r.closed
    expect(info.local).toBe(false)
    expect(info.error).toBeDefined()
  })

  it('closing while the handshake is still pending reports a local close and raises nothing later', async () => {
    // A TCP server that accepts and never answers the upgrade: the socket stays CONNECTING.
    const held: Socket[] = []
    const tcp = createServer((socket) => held.push(socket))
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r))
    try {
      const url = `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}`
      const r = recorder()
      const conn = webSocketTransport({
        url,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      }).connect(r.handlers)
      await until(() => held.length === 1)
      const uncaught: unknown[] = []
      const onUncaught = (e: unknown) => uncaught.push(e)
      process.on('uncaughtException', onUncaught)
      try {
        conn.close('going away')
        expect(await r.closed).toMatchObject({ reason: 'going away', local: true })
        // ws reports the aborted handshake as an 'error' event on a later tick.
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        process.off('uncaughtException', onUncaught)
      }
      expect(uncaught).toEqual([])
    } finally {
      for (const s of held) s.destroy()
      await new Promise((r) => tcp.close(r))
    }
  })

  it.each(['not a url', 'http://127.0.0.1:1/'])('rejects the URL %s with a SyncConfigError', (url) => {
    expect(() => webSocketTransport({ url })).toThrowError(SyncConfigError)
  })
})
