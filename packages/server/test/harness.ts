// Test harness: real server processes (the CLI from sources through tsx), raw `ws`
// clients with an awaitable inbox, and a TCP proxy that can cut one direction of a
// connection. Everything listens on port 0 and is torn down by the caller.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ClientMessage, ServerMessage } from '@strata/sync'
import { afterAll, afterEach } from 'vitest'
import WebSocket from 'ws'
import { silentLogger } from '../src/logger.js'
import { type SyncServer, type SyncServerOptions, startSyncServer } from '../src/server.js'

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CLI = fileURLToPath(new URL('./cli-main.ts', import.meta.url))
export const PG_URL = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Waits for `check` to return truthy, polling. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v) return v as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export interface ServerProcess {
  proc: ChildProcess
  url: string
  wsUrl: string
  stderr: () => string
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `strata serve --port 0 …args` as a child process and waits for its URL line. */
export async function spawnServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const exited = once(proc, 'exit')
  const line = await Promise.race([
    waitFor(() => /ws:\/\/\S+/.exec(out)?.[0], 'server URL line', 120_000),
    exited.then(([code]) => {
      throw new Error(`server exited with ${code}: ${err}`)
    }),
  ])
  const wsUrl = line
  const url = wsUrl.replace(/^ws:/, 'http:').replace(/\/v1\/sync$/, '')
  return {
    proc,
    url,
    wsUrl,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode
      proc.kill(signal)
      const [code] = await exited
      return code as number | null
    },
  }
}

/** A raw protocol client with an inbox. */
export class TestClient {
  readonly inbox: ServerMessage[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private waiters: Array<() => void> = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(data.toString()) as ServerMessage)
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    ws.on('error', () => {})
  }

  static async open(wsUrl: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(wsUrl, options)
    const c = new TestClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return c
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message))
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data)
  }

  /** Waits for the first inbox message (from `from` on) matching `pred`; returns it. */
  async next<T extends ServerMessage['t']>(
    t: T,
    pred: (m: Extract<ServerMessage, { t: T }>) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<Extract<ServerMessage, { t: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.inbox.find(
        (m): m is Extract<ServerMessage, { t: T }> =>
          m.t === t && pred(m as Extract<ServerMessage, { t: T }>),
      )
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`timed out waiting for ${t}; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`)
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          r()
        })
      })
    }
  }

  /** All streamed events (frames without a pull id), in order. */
  streamed(): Array<{ gseq: number; clientId: string; seq: number; name: string; args: unknown }> {
    return this.inbox.flatMap((m) => (m.t === 'events' && m.id === undefined ? m.events : []))
  }

  async waitStreamed(gseq: number): Promise<void> {
    await waitFor(() => this.streamed().some((e) => e.gseq >= gseq), `gseq ${gseq} streamed`)
  }

  close(): void {
    this.ws.terminate()
  }
}

/** Opens a socket and completes hello; returns the client and its welcome. */
export async function join(
  wsUrl: string,
  storeId: string,
  clientId: string,
  extra: { cursor?: number; token?: string } = {},
) {
  const c = await TestClient.open(wsUrl)
  c.send({
    t: 'hello',
    v: 1,
    storeId,
    clientId,
    cursor: extra.cursor ?? 0,
    ...(extra.token ? { token: extra.token } : {}),
  })
  const welcome = await c.next('welcome')
  return { c, welcome }
}

export const event = (clientId: string, seq: number, args: unknown = { n: seq }, name = 'v1.Test') => ({
  name,
  args,
  clientId,
  seq,
})

/**
 * A TCP proxy in front of `target`. `down` controls whether server→client bytes are
 * forwarded; `cut()` destroys every proxied connection.
 */
export async function tcpProxy(target: { host: string; port: number }) {
  const pairs: Array<[Socket, Socket]> = []
  const state = { down: true }
  const server: Server = createServer((client) => {
    const upstream = new Socket()
    upstream.connect(target.port, target.host)
    client.on('data', (d) => upstream.write(d))
    upstream.on('data', (d) => {
      if (state.down) client.write(d)
    })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    pairs.push([client, upstream])
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    state,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy()
        b.destroy()
      }
    },
    async close() {
      this.cut()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/**
 * In-process servers on SQLite files in a temp directory, and the raw clients a test
 * opens to them: every server is closed and every client dropped after each test, the
 * directory removed after the file. Call once at the top of a test file.
 * @param prefix - temp directory prefix
 */
export function localServers(prefix: string) {
  const dir = mkdtempSync(joinPath(tmpdir(), prefix))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const servers: SyncServer[] = []
  const clients: TestClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await Promise.all(servers.splice(0).map((s) => s.close({ timeoutMs: 1000 })))
  })
  let n = 0
  return {
    dir,
    /** Starts a server on a fresh SQLite file (silent logger) that is closed after the test. */
    async start(options: SyncServerOptions = {}): Promise<SyncServer> {
      const s = await startSyncServer({
        port: 0,
        db: joinPath(dir, `s${n++}.db`),
        logger: silentLogger,
        ...options,
      })
      servers.push(s)
      return s
    },
    /** Registers a client to close after the test. */
    track(c: TestClient): TestClient {
      clients.push(c)
      return c
    },
  }
}
