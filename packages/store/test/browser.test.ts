// End-to-end: the store on the browser driver in real headless Chromium. The page bundle
// (browser-page.ts: the same store code and schema as the Node tests) is built with
// esbuild and served from node:http on a random port; data is committed, the page is
// reloaded, and the data is read back from OPFS.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bundlePage,
  type FileServer,
  launchChromium,
  moduleIndex,
  serveFiles,
} from '../../../tests/support/chromium.js'
import type { StrataTestApi } from './browser-page.js'
import { sqliteWasmPath } from './browser-support.js'

let server: FileServer
let browser: Browser
let origin: string

beforeAll(async () => {
  const js = await bundlePage(fileURLToPath(new URL('./browser-page.ts', import.meta.url)))
  const wasm = readFileSync(sqliteWasmPath)
  server = await serveFiles({
    '/index.html': moduleIndex('strata'),
    '/bundle.js': { type: 'text/javascript', body: js },
    '/sqlite3.wasm': { type: 'application/wasm', body: wasm },
  })
  origin = server.origin
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

type Api = StrataTestApi
const call = <K extends keyof Api>(page: Page, name: K, ...args: Parameters<Api[K]>) =>
  page.evaluate(
    ([n, a]) =>
      (
        (globalThis as unknown as { strataTest: Record<string, (...x: unknown[]) => unknown> }).strataTest[
          n as string
        ] as (...x: unknown[]) => unknown
      )(...(a as unknown[])),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Api[K]>>>

const openPage = async (context: Awaited<ReturnType<Browser['newContext']>>) => {
  const page = await context.newPage()
  await page.goto(origin)
  await page.waitForFunction(() => 'strataTest' in globalThis)
  return page
}

describe('store in headless Chromium (WASM SQLite + OPFS)', () => {
  it('commits, reloads the page, and reads the data back from OPFS', async () => {
    const context = await browser.newContext()
    try {
      const page = await openPage(context)
      const first = await call(page, 'open', 'todos-e2e')
      expect(first).toMatchObject({
        kind: 'wasm',
        location: 'opfs:/strata/todos-e2e',
        role: 'leader',
        boot: 'created',
      })
      await call(page, 'commitTodos', 0, 25)
      expect(await call(page, 'read')).toMatchObject({ count: 25, done: [{ id: 't0' }] })

      await page.reload()
      await page.waitForFunction(() => 'strataTest' in globalThis)
      const second = await call(page, 'open', 'todos-e2e')
      expect(second).toMatchObject({ kind: 'wasm', role: 'leader', boot: 'opened' })
      const back = await call(page, 'read')
      expect(back.count).toBe(25)
      expect(back.done).toEqual([{ id: 't0' }])
      expect(back.last).toMatchObject({ id: 't24', title: 'Todo 24', tags: ['browser'], done: false })
    } finally {
      await context.close()
    }
  })

  it('encrypted in OPFS: no plaintext in any file, and the data comes back after a reload', async () => {
    const context = await browser.newContext()
    try {
      const page = await openPage(context)
      await call(page, 'open', 'secret-e2e', 'browser passphrase')
      await call(page, 'commitTodos', 0, 5)
      const files = await call(page, 'files', 'secret-e2e')
      expect(Object.keys(files)).toContain('key.json')
      for (const [name, text] of Object.entries(files)) {
        expect(text, name).not.toContain('Todo 3')
        expect(text, name).not.toContain('todos')
      }
      await page.reload()
      await page.waitForFunction(() => 'strataTest' in globalThis)
      await call(page, 'open', 'secret-e2e', 'browser passphrase')
      expect((await call(page, 'read')).count).toBe(5)
    } finally {
      await context.close()
    }
  })

  it('two tabs: the follower is a synchronous read replica whose commits the leader applies; it takes over when the leader closes', async () => {
    const context = await browser.newContext()
    try {
      const a = await openPage(context)
      expect(await call(a, 'open', 'tabs-e2e')).toMatchObject({ role: 'leader' })
      await call(a, 'commitTodos', 0, 3)

      const b = await openPage(context)
      expect(await call(b, 'open', 'tabs-e2e')).toMatchObject({ role: 'follower', boot: 'opened' })
      expect((await call(b, 'read')).count).toBe(3)
      await call(b, 'watchCount')
      expect(await call(b, 'liveCount')).toBe(3)

      await call(a, 'commitTodos', 3, 2)
      await expect.poll(async () => (await call(b, 'read')).count, { timeout: 20_000 }).toBe(5)
      // The follower's live query follows the leader's commits (driver onExternalChange).
      await expect.poll(() => call(b, 'liveCount'), { timeout: 20_000 }).toBe(5)
      // A follower's commit goes to the leader (decision 0058) and comes back as its records.
      expect(await call(b, 'tryCommit', 'from-b')).toBe('ok')
      await call(b, 'flush')
      expect((await call(b, 'read')).count).toBe(6)
      expect((await call(a, 'read')).count).toBe(6)

      await a.close()
      await expect.poll(() => call(b, 'role', 'tabs-e2e'), { timeout: 20_000 }).toBe('leader')
      // It holds the lock; its commits apply here once it has caught up from storage and
      // snapshotted (until then they queue, like a follower's): wait for that.
      await call(b, 'owner', 'tabs-e2e')
      // The promoted tab writes with the same store: it re-read its log position.
      expect(await call(b, 'tryCommit', 'from-b2')).toBe('ok')
      expect((await call(b, 'read')).count).toBe(7)
      expect(await call(b, 'liveCount')).toBe(7)
      await call(b, 'flush')
      // One seq space: a's 4 + 3 events, b's forwarded one, then b's own as the leader (it
      // followed a's commits by reading only the log rows newer than it had read).
      expect(await call(b, 'pendingSeqs')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
      await b.reload()
      await b.waitForFunction(() => 'strataTest' in globalThis)
      await call(b, 'open', 'tabs-e2e')
      expect((await call(b, 'read')).count).toBe(7)
    } finally {
      await context.close()
    }
  })

  it('a follower commits through the leader: both tabs see it, a reload reads it from OPFS, a leader-side failure comes back typed', async () => {
    const context = await browser.newContext()
    try {
      const a = await openPage(context)
      expect(await call(a, 'open', 'forward-e2e')).toMatchObject({ role: 'leader', boot: 'created' })
      const b = await openPage(context)
      expect(await call(b, 'open', 'forward-e2e')).toMatchObject({ role: 'follower' })
      await call(b, 'watchCount')
      await call(b, 'commitTodos', 0, 3) // commits, then flush: applied, durable and visible
      expect(await call(b, 'read')).toMatchObject({ count: 3, done: [{ id: 't0' }] })
      expect(await call(b, 'liveCount')).toBe(3)
      expect(await call(a, 'read')).toMatchObject({ count: 3, done: [{ id: 't0' }] })
      // The leader owns the log: one seq space, the follower's events pending for its push.
      expect(await call(a, 'pending')).toEqual([
        'v1.TodoCreated t0',
        'v1.TodoCreated t1',
        'v1.TodoCreated t2',
        'v1.TodoCompleted t0',
      ])

      await call(b, 'commitAndExplode', 'x1')
      expect(await call(b, 'flushResult')).toEqual({
        name: 'MaterializerError',
        code: 'materializer_failed',
        event: 'v1.TodoExploded',
      })
      expect(await call(b, 'ids')).toEqual(['t0', 't1', 't2', 'x1'])

      await a.reload() // the leader goes away; b leads; a comes back as a follower
      await a.waitForFunction(() => 'strataTest' in globalThis)
      await expect.poll(() => call(b, 'role', 'forward-e2e'), { timeout: 20_000 }).toBe('leader')
      expect(await call(a, 'open', 'forward-e2e')).toMatchObject({ role: 'follower', boot: 'opened' })
      expect(await call(a, 'ids')).toEqual(['t0', 't1', 't2', 'x1'])
      const files = await call(a, 'files', 'forward-e2e')
      expect(Object.keys(files).length).toBeGreaterThan(0)
    } finally {
      await context.close()
    }
  })

  // 'close': the tab is closed (no goodbye from the page); 'crash': its renderer dies
  // (CDP Page.crash) — the lock is released either way, mid-stream.
  it.each(['close', 'crash'] as const)(
    'the leader tab goes away (%s) while a follower keeps committing: the follower leads, nothing is lost or duplicated',
    async (how) => {
      const context = await browser.newContext()
      try {
        const a = await openPage(context)
        await call(a, 'open', `failover-${how}`)
        const b = await openPage(context)
        expect(await call(b, 'open', `failover-${how}`)).toMatchObject({ role: 'follower' })
        const series = call(b, 'commitSeries', 'f', 150, 5) // ≥ 750 ms of commits
        await expect.poll(async () => (await call(b, 'read')).count, { timeout: 20_000 }).toBeGreaterThan(20)
        expect((await call(b, 'read')).count).toBeLessThan(150)
        if (how === 'close') await a.close()
        else {
          const crashed = a.waitForEvent('crash')
          // The CDP call itself is never answered (its target dies): wait for the crash.
          void (await context.newCDPSession(a)).send('Page.crash').catch(() => {})
          await crashed
        }
        await series
        expect(await call(b, 'flushResult')).toBeNull()
        expect(await call(b, 'role', `failover-${how}`)).toBe('leader')
        const want = Array.from({ length: 150 }, (_, i) => `f${i}`).sort()
        expect(await call(b, 'ids')).toEqual(want)
        const pending = await call(b, 'pending')
        expect(pending).toHaveLength(150)
        expect(new Set(pending).size).toBe(150)
        // The order of the follower's commits survives the hand-over.
        expect(pending).toEqual(Array.from({ length: 150 }, (_, i) => `v1.TodoCreated f${i}`))

        await b.reload()
        await b.waitForFunction(() => 'strataTest' in globalThis)
        await call(b, 'open', `failover-${how}`)
        expect(await call(b, 'ids')).toEqual(want)
        expect(await call(b, 'pending')).toHaveLength(150)
      } finally {
        await context.close()
      }
    },
  )

  it("the leader tab hangs holding the lock (its JavaScript paused): a follower's flush rejects forward_timeout; resumed, the leader applies the commit once", async () => {
    const context = await browser.newContext()
    try {
      const a = await openPage(context)
      expect(await call(a, 'open', 'hang-e2e')).toMatchObject({ role: 'leader' })
      const b = await openPage(context)
      const options = { forwardTimeoutMs: 500 }
      expect(await call(b, 'open', 'hang-e2e', undefined, options)).toMatchObject({ role: 'follower' })
      const debug = await context.newCDPSession(a)
      await debug.send('Debugger.enable')
      await debug.send('Debugger.pause') // stops at a's next statement: the commit message
      try {
        expect(await call(b, 'tryCommit', 'h1')).toBe('ok')
        const started = Date.now()
        const timedOut = await call(b, 'flushResult')
        expect(Date.now() - started).toBeGreaterThanOrEqual(450)
        expect(timedOut).toMatchObject({ code: 'forward_timeout' })
        expect(timedOut?.name).toContain('did not answer 1 forwarded commit within 500 ms')
        expect(await call(b, 'ids')).toEqual([])
      } finally {
        await debug.send('Debugger.resume')
      }
      // The commit was sent once and stays sent: the leader answers now.
      await expect.poll(() => call(b, 'flushResult'), { timeout: 20_000 }).toBeNull()
      expect(await call(b, 'ids')).toEqual(['h1'])
      expect(await call(a, 'pending')).toEqual(['v1.TodoCreated h1'])
    } finally {
      await context.close()
    }
  })

  it('a retried commit that the new leader only has inside a snapshot (no record tags) is applied once', async () => {
    const context = await browser.newContext()
    try {
      // a snapshots after every record; its writes will land but never finish, so it
      // applies f's commit, persists it inside a snapshot, and never answers.
      const a = await openPage(context)
      await call(a, 'open', 'ids-e2e', undefined, { snapshotEvery: 1, hanging: true })
      await call(a, 'commitTodos', 0, 1)
      // p is next in line for the lock and will miss a's broadcasts: promoted, it gets the
      // commit from the snapshot in OPFS only.
      const p = await openPage(context)
      expect(await call(p, 'open', 'ids-e2e', undefined, { deaf: true })).toMatchObject({ role: 'follower' })
      const f = await openPage(context)
      expect(await call(f, 'open', 'ids-e2e')).toMatchObject({ role: 'follower' })
      const snapshot = async () =>
        Object.keys(await call(f, 'files', 'ids-e2e'))
          .sort()
          .at(-1)
      const before = await snapshot()
      await call(p, 'fault', 'deaf')
      await call(a, 'fault', 'hanging')
      await call(f, 'rename', 't0', 'renamed once')
      // a applied it (f shows its record) and wrote the snapshot that holds it.
      await expect
        .poll(async () => (await call(f, 'read')).last?.title, { timeout: 20_000 })
        .toBe('renamed once')
      await expect.poll(snapshot, { timeout: 20_000 }).not.toBe(before)
      expect((await call(p, 'read')).last?.title).toBe('Todo 0')
      const crashed = a.waitForEvent('crash')
      void (await context.newCDPSession(a)).send('Page.crash').catch(() => {})
      await crashed
      await expect.poll(() => call(p, 'role', 'ids-e2e'), { timeout: 20_000 }).toBe('leader')
      expect(await call(f, 'flushResult')).toBeNull() // f resent its commit; p answered it
      expect((await call(p, 'read')).last?.title).toBe('renamed once')
      expect(await call(p, 'pending')).toEqual([
        'v1.TodoCreated t0',
        'v1.TodoCompleted t0',
        'v1.TodoRenamed t0',
      ])
    } finally {
      await context.close()
    }
  })
})
