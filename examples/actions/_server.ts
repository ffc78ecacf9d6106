// A tiny real HTTP server for the examples that talk to a backend (seed patterns call
// Appwrite or `/api/...`). It listens on a random free port on loopback, speaks JSON,
// and records every request so tests can assert what reached the server.
// Files starting with `_` are skipped by examples/run-all.ts.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A route handler: gets the JSON body and `:params`, returns a status and JSON body. */
export type Route = (req: {
  readonly params: Readonly<Record<string, string>>
  readonly body: unknown
}) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>

/** A running server. */
export interface TestServer {
  readonly url: string
  readonly requests: Array<{ method: string; path: string; body: unknown }>
  close(): Promise<void>
}

/** Start a server with routes keyed `'METHOD /path/:param'`. */
export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const requests: TestServer['requests'] = []
  const table = Object.entries(routes).map(([key, route]) => {
    const [method, pattern = ''] = key.split(' ')
    return { method, parts: pattern.split('/'), route }
  })
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const body: unknown = text ? JSON.parse(text) : undefined
    const path = new URL(req.url ?? '/', 'http://x').pathname
    requests.push({ method: req.method ?? 'GET', path, body })
    const parts = path.split('/')
    for (const { method, parts: pattern, route } of table) {
      if (method !== req.method || pattern.length !== parts.length) continue
      const params: Record<string, string> = {}
      const matches = pattern.every((p, i) => {
        if (!p.startsWith(':')) return p === parts[i]
        params[p.slice(1)] = decodeURIComponent(parts[i] ?? '')
        return true
      })
      if (!matches) continue
      try {
        const out = await route({ params, body })
        res.writeHead(out.status ?? 200, { 'content-type': 'application/json' })
        res.end(out.body === undefined ? '' : JSON.stringify(out.body))
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ message: String(error) }))
      }
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ message: `no route ${req.method} ${path}` }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      }),
  }
}

/** An HTTP error with the server's status and message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** `fetch` JSON; throws HttpError on a non-2xx answer. */
export async function http<T>(
  url: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  })
  const text = await res.text()
  const data: unknown = text ? JSON.parse(text) : undefined
  if (!res.ok)
    throw new HttpError(res.status, (data as { message?: string } | undefined)?.message ?? res.statusText)
  return data as T
}

/** A real in-memory implementation of the `{ getItem, setItem, removeItem }` storage contract. */
export class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }
  removeItem(key: string): void {
    this.items.delete(key)
  }
}
