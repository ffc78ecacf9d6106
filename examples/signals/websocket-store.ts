// Seed 002 "WebSocket Synchronization": a chat store fed by its own WebSocket.
// Seed: 108 code lines (store + component). Strata: 58 lines. The socket belongs to the
// store's lifecycle (`onMount`): it opens when the first observer arrives and closes after
// the last one leaves, so there is no `connect`/`disconnect` to forget; the seed's
// reconnect timer kept firing after `disconnect()` (it only checks `connected`) and would
// reopen a socket nobody wanted. The store holds what the server broadcast — including
// our own messages coming back — so every client shows the same, server-ordered list.
// Uses the `ws` client, since Node 20 has no global WebSocket.
import { randomUUID } from 'node:crypto'
import { onMount, setUnmountDelay, signal } from '@strata/core'
import WebSocket, { WebSocketServer } from 'ws'
import { waitFor } from './_wait.js'

export interface Message {
  id: string
  userId: string
  text: string
  timestamp: number
}

/** Chat messages as broadcast by the server at `url`; the socket is open only while `messages` is observed. */
export function createRealtimeStore(url: string, userId: string, { retryMs = 100 } = {}) {
  const messages = signal<Message[]>([])
  const connected = signal(false)
  const error = signal<string | null>(null)
  let socket: WebSocket | null = null
  onMount(messages, () => {
    let stopped = false
    let retry: ReturnType<typeof setTimeout> | undefined
    const connect = () => {
      const ws = new WebSocket(url)
      socket = ws
      ws.on('open', () => {
        connected.set(true)
        error.set(null)
      })
      ws.on('message', (data) => {
        try {
          const message = JSON.parse(String(data)) as Message
          messages.update((list) => [...list, message])
        } catch {
          error.set(`malformed message from server: ${String(data)}`)
        }
      })
      ws.on('error', (e) => error.set(e.message))
      ws.on('close', () => {
        connected.set(false)
        if (!stopped) retry = setTimeout(connect, retryMs) // server went away: try again
      })
    }
    connect()
    return () => {
      stopped = true
      clearTimeout(retry)
      socket?.close()
      socket = null
      connected.set(false)
    }
  })
  const sendMessage = (text: string): boolean => {
    if (socket?.readyState !== WebSocket.OPEN) {
      error.set('Not connected to server')
      return false
    }
    socket.send(JSON.stringify({ id: randomUUID(), userId, text, timestamp: Date.now() }))
    return true
  }
  return { messages, connected, error, sendMessage }
}

/** The backend: a real WebSocket server that broadcasts every message to every client. */
export async function startChatServer(port = 0) {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  const received: unknown[] = []
  let connections = 0
  wss.on('connection', (client) => {
    connections++
    client.on('message', (data) => {
      received.push(JSON.parse(String(data)))
      for (const c of wss.clients) c.send(String(data))
    })
  })
  const actualPort = (wss.address() as { port: number }).port
  return {
    url: `ws://127.0.0.1:${actualPort}`,
    port: actualPort,
    received,
    get clients() {
      return wss.clients.size
    },
    /** Connections accepted since start. */
    get connections() {
      return connections
    },
    /** Send raw text to every client (for malformed-frame tests). */
    broadcastRaw(text: string) {
      for (const c of wss.clients) c.send(text)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => resolve())
      }),
  }
}

export async function main(log: (...args: unknown[]) => void) {
  setUnmountDelay(0) // close the socket as soon as the last observer leaves (default: 1000 ms)
  let server = await startChatServer()
  try {
    const alice = createRealtimeStore(server.url, 'alice', { retryMs: 20 })
    const bob = createRealtimeStore(server.url, 'bob', { retryMs: 20 })
    const offAlice = alice.messages.subscribe(() => undefined)
    const offBob = bob.messages.subscribe(() => undefined)
    await waitFor(() => alice.connected.get() && bob.connected.get(), 'both sockets to open')
    alice.sendMessage('hi bob')
    await waitFor(() => bob.messages.get().length === 1 && alice.messages.get().length === 1, 'the broadcast')
    // The server restarts on the same port: both stores reconnect on their own.
    const { port } = server
    await server.close()
    await waitFor(() => !alice.connected.get() && !bob.connected.get(), 'both to see the drop')
    server = await startChatServer(port)
    await waitFor(() => alice.connected.get() && bob.connected.get(), 'both to reconnect')
    bob.sendMessage('back again')
    await waitFor(() => alice.messages.get().length === 2, 'a message after the restart')
    const clientsWhileObserved = server.clients
    offAlice()
    offBob()
    const current = server
    await waitFor(() => current.clients === 0, 'the server to see both sockets close')
    const texts = alice.messages.get().map((m) => `${m.userId}: ${m.text}`)
    log('alice sees:', texts)
    return {
      texts,
      bobTexts: bob.messages.get().map((m) => m.text),
      clientsWhileObserved,
      clientsAfter: server.clients,
    }
  } finally {
    setUnmountDelay(1000)
    await server.close()
  }
}
