// Smoke test of the sync benchmark harness at tiny sizes: every role script runs against
// a real server process and reports the fields run.mjs reads. Performance is measured
// only by `npm run bench:sync`, never asserted here. Uses the built packages (dist).
import { type ChildProcess, fork, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'strata-bench-sync-smoke-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

async function role(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; info: Record<string, string> }> {
  const child = fork(join(here, script), args, { cwd: here, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  children.push(child)
  const info = await new Promise<Record<string, string>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)))
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return { child, info }
}

function run(script: string, args: Array<string | number>): Record<string, unknown> {
  const r = spawnSync(process.execPath, [join(here, script), ...args.map(String)], {
    cwd: here,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>
}

const ready = (child: ChildProcess) =>
  new Promise<{ held: number }>((resolve) =>
    child.on('message', (m: { t?: string; held?: number }) => {
      if (m.t === 'ready') resolve({ held: m.held ?? 0 })
    }),
  )

describe('bench/sync harness (tiny sizes)', () => {
  it('Strata roles: crowd, latency, ingest, initial sync against one server process', async () => {
    const { info } = await role('server.mjs', [join(scratch, 'server.db')])
    const { child: crowd } = await role('crowd.mjs', [info.wsUrl!, 'smoke', '3'])
    expect((await ready(crowd)).held).toBe(3)
    const lat = run('latency.mjs', [info.wsUrl!, 'smoke', 5, 1, scratch]) as { lat: number[] }
    expect(lat.lat).toHaveLength(5)
    const ingest = run('ingest.mjs', [info.wsUrl!, 'smoke-ingest', 2, 300, 100]) as { events: number }
    expect(ingest.events).toBe(600)
    const initial = run('initial-sync.mjs', [info.wsUrl!, 'smoke-ingest-0', 300, scratch]) as {
      rows: number
      head: number
    }
    expect(initial).toMatchObject({ rows: 300, head: 300 })
  }, 120_000)

  it('Yjs peer roles: y-websocket-protocol server, crowd and latency pair', async () => {
    const { info } = await role('yjs-server.mjs', [])
    const { child: crowd } = await role('yjs-crowd.mjs', [info.wsUrl!, 'smoke', '2'])
    expect((await ready(crowd)).held).toBe(2)
    const lat = run('yjs-latency.mjs', [info.wsUrl!, 'smoke', 5, 1]) as { lat: number[] }
    expect(lat.lat).toHaveLength(5)
  }, 120_000)
})
