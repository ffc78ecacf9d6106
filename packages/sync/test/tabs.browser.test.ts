// Headless Chromium: two tabs of one origin sync the same store. Exactly one tab holds a
// WebSocket to the (real, in-process) server; the other mirrors its status over
// BroadcastChannel; when the leading tab closes, the other takes over on its own. With
// the real browser store, a follower tab's commit reaches another client through the
// leader tab (store decision 0058).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type SyncServer, startSyncServer } from '@strata/server'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bundlePage,
  type FileServer,
  launchChromium,
  moduleIndex,
  serveFiles,
} from '../../../tests/support/chromium.js'
import { sqliteWasmPath } from '../../store/test/browser-support.js'
import type { StoreTabsTestApi } from './browser-store-tabs-page.js'
import type { TabsTestApi } from './browser-tabs-page.js'
import { cleanup, openDevice, until } from './harness.js'
import { todos } from './todo-schema.js'

let http: FileServer
let sync: SyncServer
let browser: Browser
let origin: string

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url))

beforeAll(async () => {
  http = await serveFiles({
    '/index.html': moduleIndex('tabs'),
    '/bundle.js': { type: 'text/javascript', body: await bundlePage(source('./browser-tabs-page.ts')) },
    '/store.html': moduleIndex('store tabs', '/store-bundle.js'),
    '/store-bundle.js': {
      type: 'text/javascript',
      body: await bundlePage(source('./browser-store-tabs-page.ts')),
    },
    '/sqlite3.wasm': { type: 'application/wasm', body: readFileSync(sqliteWasmPath) },
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
  await cleanup()
  await browser?.close()
  await sync?.close({ timeoutMs: 1000 })
  await http?.close()
})

const state = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { strataTabs: TabsTestApi }).strataTabs.state())
const commit = (page: Page, name: string) =>
  page.evaluate((n) => (globalThis as unknown as { strataTabs: TabsTestApi }).strataTabs.commit(n), name)

async function waitFor<T>(get: () => Promise<T>, cond: (s: T) => boolean, what: string): Promise<T> {
  const start = Date.now()
  for (;;) {
    const s = await get()
    if (cond(s)) return s
    if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
const waitState = (page: Page, cond: (s: Awaited<ReturnType<typeof state>>) => boolean, what: string) =>
  waitFor(() => state(page), cond, what)

const storeState = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.state(),
  )
/** A tab of the store-tabs page (the real browser store synced by the client). */
async function openStoreTab(context: BrowserContext, storeId: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(
    `${origin}/store.html?store=${encodeURIComponent(storeId)}&ws=${encodeURIComponent(sync.wsUrl)}`,
  )
  await page.waitForFunction(() => 'strataStoreTabs' in globalThis)
  return page
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

  it('a follower tab of the browser store commits; the leader tab pushes it; another client receives it', async () => {
    const context = await browser.newContext()
    const storeId = 'team:tabs-store'
    const device = await openDevice(sync.wsUrl, { storeId })
    const open = () => openStoreTab(context, storeId)
    try {
      const leader = await open()
      await waitFor(
        () => storeState(leader),
        (s) => s.online,
        'the leader tab online',
      )
      const follower = await open()
      expect(await storeState(follower)).toMatchObject({ role: 'follower', leading: false })
      expect(await storeState(leader)).toMatchObject({ role: 'leader', leading: true })

      await follower.evaluate(() =>
        (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.commit(
          'f1',
          'from the follower',
        ),
      )
      await follower.evaluate(() =>
        (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.flush(),
      )
      expect((await storeState(follower)).titles).toEqual(['from the follower'])
      await until(
        () => device.store.query(todos.where({ id: 'f1' }).first())?.title === 'from the follower',
        "the other client to receive the follower tab's commit",
      )
      // Confirmed by the server: the leader's store drops it from pending, and so does the
      // follower's replica, which follows the leader's records.
      for (const page of [leader, follower])
        await waitFor(
          () => storeState(page),
          (s) => s.pending === 0,
          'the pushed event confirmed',
        )
      expect(sync.connections()).toBe(2) // the leader tab and the other client

      // The leader tab goes: the follower owns the store AND syncs (its sync client stood
      // for leader only once it owned the store), and its own commits go out directly.
      await leader.close()
      await waitFor(
        () => storeState(follower),
        (s) => s.role === 'leader' && s.leading && s.online,
        'the follower to own the store and sync',
      )
      await follower.evaluate(() =>
        (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.commit(
          'f2',
          'after the hand-over',
        ),
      )
      await until(
        () => device.store.query(todos.where({ id: 'f2' }).first())?.title === 'after the hand-over',
        "the other client to receive the new leader tab's commit",
      )
      await until(() => sync.connections() === 2, 'one socket per store after the hand-over')
    } finally {
      device.close()
      await context.close()
    }
  })

  it('a tab that crashes right after a commit pushed nothing undurable: its reload’s next commit is not lost', async () => {
    // Store decision 0036: the reloaded tab allocates the lost commit's seq again; had the
    // dead tab pushed that commit, the server would take the new one for a duplicate.
    const context = await browser.newContext()
    const storeId = 'team:tabs-crash'
    const device = await openDevice(sync.wsUrl, { storeId })
    const commitIn = (page: Page, id: string, title: string) =>
      page.evaluate(
        ([i, t]) =>
          (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.commit(i!, t!),
        [id, title],
      )
    const open = async () => {
      const page = await openStoreTab(context, storeId)
      await waitFor(
        () => storeState(page),
        (s) => s.online,
        'the tab online',
      )
      return page
    }
    try {
      const tab = await open()
      await commitIn(tab, 'kept', 'durable')
      await waitFor(
        () => storeState(tab),
        (s) => s.pendingCount === 0,
        'the first commit synced',
      )
      await tab.evaluate(() =>
        (globalThis as unknown as { strataStoreTabs: StoreTabsTestApi }).strataStoreTabs.stallWrites(),
      )
      await commitIn(tab, 'lost', 'died with the tab')
      expect(await storeState(tab)).toMatchObject({ pendingCount: 1, pending: 0, lastSeq: 2 })
      await new Promise((r) => setTimeout(r, 300)) // every chance to push it
      const crashed = tab.waitForEvent('crash')
      // The CDP call itself is never answered (its target dies): wait for the crash.
      void (await context.newCDPSession(tab)).send('Page.crash').catch(() => {})
      await crashed

      const reloaded = await open()
      expect((await storeState(reloaded)).titles).toEqual(['durable'])
      await commitIn(reloaded, 'new', 'after reload')
      expect((await storeState(reloaded)).lastSeq).toBe(2) // the dead tab's seq, again
      await waitFor(
        () => storeState(reloaded),
        (s) => s.pendingCount === 0,
        'the reloaded tab to sync',
      )
      await until(() => device.store.query(todos).length === 2, 'the other client to get two todos')
      expect(device.store.query(todos.orderBy('id', 'asc')).map((t) => t.title)).toEqual([
        'durable',
        'after reload',
      ])
      expect((await storeState(reloaded)).titles).toEqual(['durable', 'after reload'])
    } finally {
      device.close()
      await context.close()
    }
  })
})
