/**
 * End-to-end test harness: real server processes (`serve-process.ts` under tsx), real
 * SQLite store files in a temp directory, real WebSocket clients. Everything started
 * here is registered for `cleanup()`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { createStore, type Store } from '@strata/store'
// = '@strata/store/node' (imported from source: the root alias table maps only package roots)
import { nodeAdapter } from '../../store/src/node.js'
import { createSyncClient, type SyncClient, type SyncClientOptions } from '../src/index.js'
import { schema } from './todo-schema.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const serveScript = fileURLToPath(new URL('./serve-process.ts', import.meta.url))
const cleanups: Array<() => unknown> = []

/** Runs every registered cleanup, newest first. */
export async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn()
    } catch {
      // keep cleaning
    }
  }
}

/** A fresh temp directory, removed at cleanup. */
export function tempDir(prefix = 'strata-sync-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A server running in its own process. */
export interface ServerProcess {
  url: string
  wsUrl: string
  port: number
  /** Graceful stop (SIGTERM → server.close()). */
  stop(): Promise<void>
  /** Hard kill (SIGKILL): no goodbye to clients. */
  kill(): Promise<void>
}

/**
 * Spawns a real sync server process.
 * @param options db path (default: a temp SQLite file), port (default a free one), strict
 *   validation, a JWT secret (HS256) to require authentication, the server's
 *   `limits.maxFrameBytes` (default its own, 1 MiB)
 */
export async function startServerProcess(
  options: { db?: string; port?: number; strict?: boolean; jwtSecret?: string; maxFrameBytes?: number } = {},
): Promise<ServerProcess> {
  const db = options.db ?? join(tempDir(), 'server.db')
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      serveScript,
      db,
      String(options.port ?? 0),
      options.strict ? '1' : '0',
      ...(options.jwtSecret ? [options.jwtSecret] : []),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STRATA_MAX_FRAME_BYTES: options.maxFrameBytes ? String(options.maxFrameBytes) : '',
      },
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += String(d)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const info = await new Promise<{ url: string; wsUrl: string; port: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => resolve(JSON.parse(line)))
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}: ${stderr}`)))
  })
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig)
    await exited
  }
  cleanups.push(() => signal('SIGKILL'))
  return { ...info, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') }
}

/** One device: a store file and its sync client. */
export interface Device {
  store: Store<typeof schema>
  client: SyncClient
  dir: string
  close(): void
}

/**
 * Opens a store in `dir` (a new temp dir by default) and syncs it to `url`.
 * @param url ws:// or http:// URL of the server
 */
export async function openDevice(
  url: string,
  options: Partial<SyncClientOptions> & { dir?: string; storeId?: string } = {},
): Promise<Device> {
  const dir = options.dir ?? tempDir()
  const storeId = options.storeId ?? 'team:e2e'
  const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId })
  const client = createSyncClient({
    backoff: { initialDelayMs: 20, maxDelayMs: 200 },
    ...options,
    store,
    url,
  })
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    client.dispose()
    store.close()
  }
  cleanups.push(close)
  return { store, client, dir, close }
}

/** Waits until `cond()` holds (polling), failing with `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what = 'condition', timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Spawns a child and registers it for cleanup (used by the relay and bench-like tests). */
export function track(child: ChildProcess): ChildProcess {
  cleanups.push(() => child.kill('SIGKILL'))
  return child
}
