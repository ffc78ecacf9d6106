// Seed 002 "Server-Sent Events (SSE)": a notification store fed by a server stream.
// Seed: 51 code lines. Strata: 82 lines, longer for two reasons: 24 of them are the SSE
// parser (the seed uses the browser's EventSource, which Node does not have; here `fetch`
// reads the stream, so the same code runs in both), and every timer (auto-remove,
// reconnect) is cleared when the store is unobserved, which the seed never does. What
// changes: the seed's `connect`/`disconnect` must be called by hand and a forgotten
// `disconnect` leaks the connection; here `onMount` opens the stream when the first
// observer arrives and closes it after the last one leaves. Reconnect after the stream
// drops is kept from the seed; a malformed event is reported in `error`, not thrown away.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onMount, setUnmountDelay, signal } from '@strata/core'
import { waitFor } from './_wait.js'

export interface Notification {
  id: string
  type: 'info' | 'success' | 'warning' | 'error'
  message: string
}
export interface ServerSentEvent {
  event: string
  data: string
}

/** Parse a `text/event-stream` body into events (the subset of the spec EventSource uses). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  let cr = '' // a chunk ending in \r may be the first half of \r\n
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    const text = cr + decoder.decode(r.value, { stream: true })
    cr = text.endsWith('\r') ? '\r' : ''
    buffer += (cr ? text.slice(0, -1) : text).replace(/\r\n?/g, '\n')
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      let event = 'message'
      const data: string[] = []
      for (const line of buffer.slice(0, end).split('\n')) {
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      buffer = buffer.slice(end + 2)
      if (data.length > 0) yield { event, data: data.join('\n') }
    }
  }
}

/** Notifications streamed from `url` (SSE), connected only while `notifications` is observed. */
export function createNotificationStore(url: string, { autoRemoveMs = 5000, retryMs = 100 } = {}) {
  const notifications = signal<Notification[]>([])
  const connected = signal(false)
  const error = signal<string | null>(null)
  const remove = (id: string) => notifications.update((list) => list.filter((n) => n.id !== id))
  onMount(notifications, () => {
    const abort = new AbortController()
    const timers = new Set<ReturnType<typeof setTimeout>>()
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        timers.delete(t)
        fn()
      }, ms)
      timers.add(t)
    }
    const connect = async () => {
      try {
        const res = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } })
        if (!res.ok || !res.body) throw new Error(`SSE ${url}: HTTP ${res.status}`)
        connected.set(true)
        for await (const { event, data } of readEvents(res.body)) {
          if (event !== 'notification') continue
          try {
            const n = JSON.parse(data) as Notification
            notifications.update((list) => [...list, n])
            later(() => remove(n.id), autoRemoveMs)
          } catch {
            error.set(`malformed notification event: ${data}`)
          }
        }
      } catch (e) {
        if (!abort.signal.aborted) error.set(e instanceof Error ? e.message : String(e))
      }
      connected.set(false)
      if (!abort.signal.aborted) later(connect, retryMs) // stream dropped: reconnect like EventSource
    }
    void connect()
    return () => {
      abort.abort()
      for (const t of timers) clearTimeout(t)
      connected.set(false)
    }
  })
  return { notifications, connected, error, remove, clear: () => notifications.set([]) }
}

/** The backend: a real HTTP server streaming `text/event-stream`, counting connections. */
export async function startEventServer() {
  const clients = new Set<ServerResponse>()
  const stats = { opened: 0, closed: 0 }
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write(': connected\n\n') // a comment flushes the headers so the client sees "open"
    clients.add(res)
    stats.opened++
    req.on('close', () => {
      clients.delete(res)
      stats.closed++
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    stats,
    get open() {
      return clients.size
    },
    send(event: string, data: string) {
      for (const res of clients) res.write(`event: ${event}\ndata: ${data}\n\n`)
    },
    /** End every open stream (the server "restarts" that connection). */
    drop() {
      for (const res of clients) res.end()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export async function main(log: (...args: unknown[]) => void) {
  setUnmountDelay(0) // close the stream as soon as the last observer leaves (default: 1000 ms)
  const server = await startEventServer()
  try {
    const store = createNotificationStore(server.url)
    const seen: string[][] = []
    const off = store.notifications.subscribe((list) => seen.push(list.map((n) => n.message)))
    await waitFor(() => store.connected.get(), 'the stream to open')
    server.send('notification', JSON.stringify({ id: 'n1', type: 'info', message: 'Build started' }))
    server.send('heartbeat', '{}') // other event types are not notifications
    server.send('notification', JSON.stringify({ id: 'n2', type: 'success', message: 'Build passed' }))
    await waitFor(() => store.notifications.get().length === 2, 'two notifications')
    const openWhileObserved = server.open
    off()
    await waitFor(() => server.stats.closed === 1, 'the server to see the stream close')
    log('seen:', seen, '| server:', server.stats)
    return { seen, openWhileObserved, openAfter: server.open, stats: { ...server.stats } }
  } finally {
    setUnmountDelay(1000)
    await server.close()
  }
}
