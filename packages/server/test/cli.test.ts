// The `strata serve` command as a user runs it: one line with the URL, a working
// server, clean exit on SIGTERM, typed errors for bad flags.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { event, join, ROOT, spawnServer } from './harness.js'

// Child processes compile the sources through tsx: slow on a loaded machine, so be generous.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 })

const dir = mkdtempSync(joinPath(tmpdir(), 'strata-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const CLI = fileURLToPath(new URL('./cli-main.ts', import.meta.url))

describe('strata serve', () => {
  it('prints exactly one line with the URL and serves on the SQLite file; SIGTERM exits 0', async () => {
    const server = await spawnServer(['--db', joinPath(dir, 'cli.db')])
    try {
      const out: string[] = []
      server.proc.stdout?.on('data', (d: Buffer) => out.push(d.toString()))
      expect(server.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/sync$/)
      const { c } = await join(server.wsUrl, 'team:cli', 'a')
      c.send({ t: 'push', id: 1, events: [event('a', 1)] })
      expect((await c.next('ack')).results[0]).toMatchObject({ ok: true })
      c.close()
      expect(await server.stop('SIGTERM')).toBe(0)
      expect(out.join('')).toBe('')
    } finally {
      await server.stop('SIGKILL')
    }
  })

  it('refuses bad flags with a message and a non-zero exit', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      })
    const badPort = run('serve', '--port', 'abc')
    expect(badPort.status).toBe(1)
    expect(badPort.stderr).toContain('--port must be 0..65535, got "abc"')
    // an empty port is refused, not taken for 0 (any free port)
    const emptyPort = run('serve', '--port', '')
    expect(emptyPort.status).toBe(1)
    expect(emptyPort.stderr).toContain('--port must be 0..65535, got ""')
    const badEnv = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PORT: 'abc' },
    })
    expect(badEnv.status).toBe(1)
    expect(badEnv.stderr).toContain('PORT must be 0..65535, got "abc"')
    const badDb = run('serve', '--port', '0', '--db', 'mysql://x/y')
    expect(badDb.status).toBe(1)
    expect(badDb.stderr).toContain('unsupported database URL')
    const unknown = run('frobnicate')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('usage: strata serve')
  })
})
