/**
 * A real WebSocket relay between a client and the server, for fault injection in the
 * end-to-end tests: it forwards every frame both ways and, when armed, cuts both
 * sockets right after the server's answer to a push arrives (so the server has applied
 * and durably committed the batch, but the client never hears about it).
 */
import type { AddressInfo } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'

export interface Relay {
  /** ws:// URL clients connect to. */
  url: string
  /** Cut the connection at the first server frame that follows the next client push. */
  dropAfterNextPush(): void
  /** Frames the server sent that the relay swallowed when it cut the line. */
  readonly swallowed: string[]
  /** Connections accepted so far. */
  readonly connections: number
  close(): Promise<void>
}

export async function startRelay(target: string): Promise<Relay> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((r) => wss.once('listening', r))
  let armed = false
  let connections = 0
  const swallowed: string[] = []
  wss.on('connection', (client) => {
    connections++
    const upstream = new WebSocket(target)
    const queue: string[] = []
    let pushSeen = false
    const cut = () => {
      client.terminate()
      upstream.terminate()
    }
    upstream.on('open', () => {
      for (const f of queue.splice(0)) upstream.send(f)
    })
    client.on('message', (data) => {
      const text = String(data)
      if (armed && text.includes('"t":"push"')) pushSeen = true
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text)
      else queue.push(text)
    })
    upstream.on('message', (data) => {
      const text = String(data)
      if (armed && pushSeen && (text.includes('"t":"ack"') || text.includes('"t":"events"'))) {
        armed = false
        swallowed.push(text)
        cut()
        return
      }
      if (client.readyState === WebSocket.OPEN) client.send(text)
    })
    client.on('close', () => upstream.close())
    upstream.on('close', () => client.close())
    client.on('error', cut)
    upstream.on('error', cut)
  })
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/sync`,
    dropAfterNextPush() {
      armed = true
    },
    swallowed,
    get connections() {
      return connections
    },
    close() {
      for (const c of wss.clients) c.terminate()
      return new Promise((r) => wss.close(() => r()))
    },
  }
}
