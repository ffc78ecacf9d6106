// End-to-end: the store on the browser driver in real headless Chromium. The page bundle
// (browser-page.ts: the same store code and schema as the Node tests) is built with
// esbuild and served from node:http on a random port; data is committed, the page is
// reloaded, and the data is read back from OPFS.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FileServer, launchChromium, moduleIndex, serveFiles } from '../../../tests/support/chromium.js'
import type { StrataTestApi } from './browser-page.js'
import { sqliteWasmPath } from './browser-support.js'

let server: FileServer
let browser: Browser
let origin: string

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: {
      '@strata/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)),
      '@strata/persist': fileURLToPath(new URL('../../persist/src/index.ts', import.meta.url)),
    },
  })
  const js = bundle.outputFiles[0]!.contents
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

  it('two tabs: one leader writes, the other is a synchronous read replica that takes over when the leader closes', async () => {
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
      expect(await call(b, 'tryCommit', 'from-b')).toBe('not_leader')
      expect((await call(b, 'read')).count).toBe(5)

      await a.close()
      await expect.poll(() => call(b, 'role', 'tabs-e2e'), { timeout: 20_000 }).toBe('leader')
      // The promoted tab writes with the same store: it re-read its log position.
      expect(await call(b, 'tryCommit', 'from-b')).toBe('ok')
      expect((await call(b, 'read')).count).toBe(6)
      expect(await call(b, 'liveCount')).toBe(6)
      await call(b, 'flush')
      await b.reload()
      await b.waitForFunction(() => 'strataTest' in globalThis)
      await call(b, 'open', 'tabs-e2e')
      expect((await call(b, 'read')).count).toBe(6)
    } finally {
      await context.close()
    }
  })
})
