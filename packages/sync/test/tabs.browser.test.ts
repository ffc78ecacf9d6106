// Headless Chromium: two tabs of one origin sync the same store. Exactly one tab holds a
// WebSocket to the (real, in-process) server; the other mirrors its status over
// BroadcastChannel; when the leading tab closes, the other takes over on its own.
import { fileURLToPath } from 'node:url'
import { type SyncServer, startSyncServer } from '@strata/server'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FileServer, launchChromium, moduleIndex, serveFiles } from '../../../tests/support/chromium.js'
import type { TabsTestApi } from './browser-tabs-page.js'
import { until } from './harness.js'

let http: FileServer
let sync: SyncServer
let browser: Browser
let origin: string

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser-tabs-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: { '@strata/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
  })
  const js = bundle.outputFiles[0]!.contents
  http = await serveFiles({
    '/index.html': moduleIndex('tabs'),
    '/bundle.js': { type: 'text/javascript', body: js },
  })
  origin = http.origin
  sync = await startSyncServer({
    port: 0,
    db: ':memory:',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await sync?.close({ timeoutMs: 1000 })
  await http?.close()
})

const state = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { strataTabs: TabsTestApi }).strataTabs.state())
const commit = (page: Page, name: string) =>
  page.evaluate((n) => (globalThis as unknown as { strataTabs: TabsTestApi }).strataTabs.commit(n), name)

async function waitState(page: Page, cond: (s: Awaited<ReturnType<typeof state>>) => boolean, what: string) {
  const start = Date.now()
  for (;;) {
    const s = await state(page)
    if (cond(s)) return s
    if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('one syncing tab per store (headless Chromium)', () => {
  it('elects one leader, mirrors its status in the follower, and fails over when it closes', async () => {
    const context = await browser.newContext()
    try {
      const url = `${origin}/?ws=${encodeURIComponent(sync.wsUrl)}`
      const first = await context.newPage()
      await first.goto(url)
      const s1 = await waitState(first, (s) => s.online, 'the first tab online')
      expect(s1).toMatchObject({ leading: true, webLocks: true })

      const second = await context.newPage()
      await second.goto(url)
      // The follower opens no socket and shows the leader's status.
      const s2 = await waitState(second, (s) => s.online, 'the follower to mirror online')
      expect(s2.leading).toBe(false)
      expect(sync.connections()).toBe(1)

      // The leader's own commits sync; the follower sees the leader's pending count move.
      await commit(first, 'v1.FromLeader')
      await waitState(first, (s) => s.applied === 1 && s.pendingCount === 0, 'the leader to sync its commit')
      await waitState(
        second,
        (s) => s.pendingCount === 0 && s.online,
        'the follower to mirror the synced state',
      )

      // The leading tab goes away: the lock is released, the follower leads and connects.
      await first.close()
      const taken = await waitState(
        second,
        (s) => s.leading && s.online && s.applied === 1,
        'the follower to take over',
      )
      expect(taken.pendingCount).toBe(0) // it caught up from the server on its own connection
      await until(() => sync.connections() === 1, 'one socket after the hand-over')
    } finally {
      await context.close()
    }
  })
})
