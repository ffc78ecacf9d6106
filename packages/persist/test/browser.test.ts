// @strata/persist in real headless Chromium: the real localStorage, sessionStorage,
// IndexedDB and OPFS engines, cross-tab sync between two pages of one origin, reloads
// that restore state, back/forward-cache restore, real quota errors, and AES-GCM
// encryption through the browser's WebCrypto. The package (and the browser-facing seed
// examples) are bundled with esbuild and served from a local node:http server.
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WritableStore } from '@strata/core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as AuthExample from '../../../examples/persist/auth-sync.js'
import type * as CartExample from '../../../examples/persist/cross-tab-cart.js'
import type * as DraftExample from '../../../examples/persist/form-draft.js'
import type * as ProductExample from '../../../examples/persist/product-cache.js'
import type * as SettingsExample from '../../../examples/persist/settings-store.js'
import { type FileServer, launchChromium, serveFiles } from '../../../tests/support/chromium.js'
import type * as Persist from '../src/index.js'
import { bundle } from './bundle.js'

type Api = typeof Persist &
  typeof CartExample &
  typeof DraftExample &
  typeof AuthExample &
  typeof ProductExample &
  typeof SettingsExample
/** What the test page puts on `window`: the API and a bag for objects kept between calls. */
type Win = { S: Api; t: Record<string, unknown>; loaded?: boolean }

const example = (name: string) =>
  fileURLToPath(new URL(`../../../examples/persist/${name}.ts`, import.meta.url))
const WAIT = { timeout: 20_000 }

let browser: Browser
let context: BrowserContext
let server: FileServer
let origin: string
let dir: string

beforeAll(async () => {
  const built = await bundle(
    `
export * from '@strata/persist'
export { createCart } from ${JSON.stringify(example('cross-tab-cart'))}
export { createFormDraftStore } from ${JSON.stringify(example('form-draft'))}
export { createAuthStore } from ${JSON.stringify(example('auth-sync'))}
export { createProductCache } from ${JSON.stringify(example('product-cache'))}
export { createSettingsStore } from ${JSON.stringify(example('settings-store'))}
`,
    'browser',
  )
  dir = built.dir
  const js = readFileSync(join(dir, 'bundle.mjs'))
  server = await serveFiles({
    '/index.html': {
      type: 'text/html',
      body: `<!doctype html><meta charset="utf-8"><script type="module">
import * as S from './bundle.mjs'
window.S = S; window.t = {}; window.loaded = true
</script>`,
    },
    '/bundle.mjs': { type: 'text/javascript', body: js },
  })
  origin = server.origin
  browser = await launchChromium()
  context = await browser.newContext()
})

afterAll(async () => {
  await context?.close()
  await browser?.close()
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function open(): Promise<Page> {
  const page = await context.newPage()
  await page.goto(origin)
  await page.waitForFunction(() => (globalThis as unknown as Win).loaded === true, undefined, WAIT)
  return page
}

async function reload(page: Page): Promise<void> {
  await page.reload()
  await page.waitForFunction(() => (globalThis as unknown as Win).loaded === true, undefined, WAIT)
}

async function resetOrigin(): Promise<void> {
  const page = await open()
  await page.evaluate(async () => {
    localStorage.clear()
    sessionStorage.clear()
    for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name)
    const root = await navigator.storage.getDirectory()
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) {
      await root.removeEntry(name, { recursive: true })
    }
  })
  await page.close()
}

describe('@strata/persist in Chromium', () => {
  it('uses the real engines, not the server fallbacks', async () => {
    const page = await open()
    const names = await page.evaluate(() => {
      const { S } = globalThis as unknown as Win
      return [S.localStorageEngine(), S.sessionStorageEngine(), S.indexedDBEngine(), S.opfsEngine()].map(
        (e) => e.name,
      )
    })
    expect(names).toEqual(['localStorage', 'sessionStorage', 'indexedDB', 'opfs'])
    await page.close()
  })

  it('localStorage: a write in one tab is seen in the other, removals and clear() too, no echo', async () => {
    await resetOrigin()
    const a = await open()
    const b = await open()
    const setup = () => {
      const w = globalThis as unknown as Win
      const inner = w.S.localStorageEngine()
      const counter = { writes: 0 }
      const engine = {
        ...inner,
        setItem(k: string, v: string) {
          counter.writes++
          inner.setItem(k, v)
        },
      }
      w.t.counter = counter
      w.t.cart = w.S.createCart(engine)
    }
    await a.evaluate(setup)
    await b.evaluate(setup)
    type Cart = ReturnType<Api['createCart']>
    await a.evaluate(() => {
      const w = globalThis as unknown as Win
      ;(w.t.cart as Cart).addItem({ id: 'book', name: 'Book', price: 12, quantity: 1 })
    })
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.cart as Cart).items.get().length === 1,
      undefined,
      WAIT,
    )
    expect(await b.evaluate(() => ((globalThis as unknown as Win).t.cart as Cart).total.get())).toBe(12)
    // B applied A's write without writing it back.
    expect(
      await b.evaluate(() => ((globalThis as unknown as Win).t.counter as { writes: number }).writes),
    ).toBe(0)

    await a.evaluate(() => localStorage.removeItem('cart'))
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.cart as Cart).items.get().length === 0,
      undefined,
      WAIT,
    )
    await b.evaluate(() => {
      ;((globalThis as unknown as Win).t.cart as Cart).addItem({
        id: 'pen',
        name: 'Pen',
        price: 2,
        quantity: 1,
      })
    })
    await a.waitForFunction(
      () => ((globalThis as unknown as Win).t.cart as Cart).items.get().length === 1,
      undefined,
      WAIT,
    )
    await a.evaluate(() => localStorage.clear())
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.cart as Cart).items.get().length === 0,
      undefined,
      WAIT,
    )
    await a.close()
    await b.close()
  })

  it('a reload restores state before the first read (no flash of the initial value)', async () => {
    await resetOrigin()
    const page = await open()
    await page.evaluate(async () => {
      const w = globalThis as unknown as Win
      const s = w.S.createSettingsStore()
      s.updateSettings({ theme: 'dark', fontSize: 20 })
      await s.settings.flush()
    })
    await reload(page)
    const first = await page.evaluate(() => {
      const w = globalThis as unknown as Win
      const s = w.S.createSettingsStore()
      const seen: unknown[] = []
      s.settings.subscribe((v) => seen.push(v.fontSize))
      return { seen, status: s.settings.hydration.get(), theme: s.settings.get().theme }
    })
    expect(first).toEqual({ seen: [20], status: 'ready', theme: 'dark' })
    await page.close()
  })

  it('restores from storage when a page comes back from the back/forward cache (pageshow)', async () => {
    await resetOrigin()
    const page = await open()
    const value = await page.evaluate(() => {
      const w = globalThis as unknown as Win
      const n = w.S.persistent(0, 'bf', { engine: w.S.localStorageEngine() })
      // While the page sat in the cache another tab wrote (no storage event reaches it).
      localStorage.setItem('bf', '{"v":0,"d":7}')
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
      return n.get()
    })
    expect(value).toBe(7)
    await page.close()
  })

  it('a real quota error keeps the value in memory, reports it, and the next write succeeds', async () => {
    await resetOrigin()
    const page = await open()
    const out = await page.evaluate(() => {
      const w = globalThis as unknown as Win
      const big = w.S.persistent('', 'big', { engine: w.S.localStorageEngine() })
      const huge = 'x'.repeat(12_000_000)
      big.set(huge)
      const err = big.errors.get()[0] as Persist.WriteError | undefined
      const inMemory = big.get().length
      big.set('small')
      return { code: err?.code, quota: err?.quota, inMemory, stored: localStorage.getItem('big') }
    })
    expect(out).toEqual({ code: 'E_WRITE', quota: true, inMemory: 12_000_000, stored: '{"v":0,"d":"small"}' })
    await page.close()
  })

  it('sessionStorage form draft survives a reload of its tab but is not shared with a new tab', async () => {
    await resetOrigin()
    const a = await open()
    await a.evaluate(() => {
      const w = globalThis as unknown as Win
      w.S.createFormDraftStore().saveDraft('Title', 'Body')
    })
    await reload(a)
    const restored = await a.evaluate(
      () => (globalThis as unknown as Win).S.createFormDraftStore().draft.get()?.title,
    )
    expect(restored).toBe('Title')
    const b = await open()
    expect(
      await b.evaluate(() => (globalThis as unknown as Win).S.createFormDraftStore().draft.get()),
    ).toBeNull()
    await a.close()
    await b.close()
  })

  it('IndexedDB: auth state syncs between tabs over BroadcastChannel and survives reloads', async () => {
    await resetOrigin()
    const a = await open()
    const b = await open()
    type Auth = ReturnType<Api['createAuthStore']>
    const setup = async () => {
      const w = globalThis as unknown as Win
      const auth = w.S.createAuthStore()
      w.t.auth = auth
      await auth.user.ready
    }
    await a.evaluate(setup)
    await b.evaluate(setup)
    await a.evaluate(() =>
      ((globalThis as unknown as Win).t.auth as Auth).login({ id: 'u1', name: 'Ada', isPremium: true }),
    )
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.auth as Auth).user.get()?.name === 'Ada',
      undefined,
      WAIT,
    )
    await b.evaluate(() => ((globalThis as unknown as Win).t.auth as Auth).logout())
    await a.waitForFunction(
      () => ((globalThis as unknown as Win).t.auth as Auth).user.get() === null,
      undefined,
      WAIT,
    )
    await a.evaluate(async () => {
      const auth = (globalThis as unknown as Win).t.auth as Auth
      auth.login({ id: 'u2', name: 'Grace', isPremium: false })
      await auth.user.flush()
    })
    await reload(b)
    const afterReload = await b.evaluate(async () => {
      const auth = (globalThis as unknown as Win).S.createAuthStore()
      const before = auth.user.hydration.get()
      await auth.user.ready
      return { before, after: auth.user.hydration.get(), name: auth.user.get()?.name }
    })
    expect(afterReload).toEqual({ before: 'hydrating', after: 'ready', name: 'Grace' })
    await a.close()
    await b.close()
  })

  it('IndexedDB: engines of several stores opening one new database at once, in two tabs, all work', async () => {
    await resetOrigin()
    const a = await open()
    const b = await open()
    const run = (tab: string) => {
      const { S } = globalThis as unknown as Win
      const engines = ['a', 'b', 'c'].map((store) =>
        S.indexedDBEngine({ database: 'many', store: `${tab}-${store}` }),
      )
      return Promise.all(engines.map((e, i) => e.setItem('k', `${tab}${i}`))).then(async () => {
        const got = await Promise.all(engines.map((e) => e.getItem('k')))
        for (const e of engines) e.close()
        return got
      })
    }
    const [inA, inB] = await Promise.all([a.evaluate(run, 'x'), b.evaluate(run, 'y')])
    expect(inA).toEqual(['x0', 'x1', 'x2'])
    expect(inB).toEqual(['y0', 'y1', 'y2'])
    await a.close()
    await b.close()
  })

  it('IndexedDB: the product cache shows the cached list after a reload even when offline', async () => {
    await resetOrigin()
    const page = await open()
    await page.evaluate(async () => {
      const w = globalThis as unknown as Win
      const cache = w.S.createProductCache({
        fetchProducts: async () => [{ id: 'p', name: 'Lamp', price: 3 }],
      })
      await cache.loadProducts()
    })
    await reload(page)
    const out = await page.evaluate(async () => {
      const w = globalThis as unknown as Win
      const cache = w.S.createProductCache({ fetchProducts: () => Promise.reject(new Error('offline')) })
      await cache.loadProducts()
      return { names: cache.products.get().map((p) => p.name), stale: cache.isStale.get() }
    })
    expect(out).toEqual({ names: ['Lamp'], stale: false })
    await page.close()
  })

  it('OPFS: values and per-key maps persist in real files, sync between tabs, survive reload', async () => {
    await resetOrigin()
    const a = await open()
    const b = await open()
    type Doc = Persist.Persistent<WritableStore<string>>
    const setup = async () => {
      const w = globalThis as unknown as Win
      const doc = w.S.persistent('', 'draft.md', { engine: w.S.opfsEngine({ directory: 'notes' }) })
      w.t.doc = doc
      await doc.ready
    }
    await a.evaluate(setup)
    await b.evaluate(setup)
    await a.evaluate(async () => {
      const doc = (globalThis as unknown as Win).t.doc as Doc
      doc.set('# Hello from tab A')
      await doc.flush()
    })
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.doc as Doc).get() === '# Hello from tab A',
      undefined,
      WAIT,
    )
    await a.evaluate(async () => {
      const w = globalThis as unknown as Win
      const files = w.S.persistentMap<Record<string, number>>({}, 'files:', { engine: w.S.opfsEngine() })
      await files.ready
      files.setKey('a.txt', 1)
      files.setKey('b.txt', 2)
      await files.flush()
    })
    await reload(a)
    const restored = await a.evaluate(async () => {
      const w = globalThis as unknown as Win
      const doc = w.S.persistent('', 'draft.md', { engine: w.S.opfsEngine({ directory: 'notes' }) })
      const files = w.S.persistentMap<Record<string, number>>({}, 'files:', { engine: w.S.opfsEngine() })
      await Promise.all([doc.ready, files.ready])
      return { doc: doc.get(), files: files.get() }
    })
    expect(restored).toEqual({ doc: '# Hello from tab A', files: { 'a.txt': 1, 'b.txt': 2 } })
    await a.close()
    await b.close()
  })

  it('encryption: two tabs writing on first use at the same moment share one salt (Web Locks)', async () => {
    await resetOrigin()
    const tabs = [await open(), await open()]
    const start = Date.now() + 300
    const write = async ([tab, at]: [string, number]) => {
      const { S } = globalThis as unknown as Win
      const engines = [1, 2, 3].map(() =>
        S.encryptedEngine(S.indexedDBEngine({ database: 'enc' }), { passphrase: 'pw', iterations: 1000 }),
      )
      while (Date.now() < at) await new Promise((r) => setTimeout(r, 1))
      await Promise.all(engines.map((e, i) => e.setItem(`${tab}${i}`, `${tab}${i}!`)))
    }
    await Promise.all(tabs.map((t, i) => t.evaluate(write, [`t${i}`, start] as [string, number])))
    await reload(tabs[0] as Page)
    const read = await (tabs[0] as Page).evaluate(async () => {
      const { S } = globalThis as unknown as Win
      const e = S.encryptedEngine(S.indexedDBEngine({ database: 'enc' }), {
        passphrase: 'pw',
        iterations: 1000,
      })
      const keys = (await e.keys('t')).sort()
      return Promise.all(keys.map((k) => e.getItem(k).catch((err: Error) => err.name)))
    })
    expect(read).toEqual(['t00!', 't01!', 't02!', 't10!', 't11!', 't12!'])
    for (const t of tabs) await t.close()
  })

  it('encryption: ciphertext at rest, round-trip after reload, cross-tab, wrong passphrase is a clear error', async () => {
    await resetOrigin()
    const a = await open()
    const b = await open()
    type Notes = Persist.Persistent<WritableStore<string[]>>
    const make = (passphrase: string) => {
      const w = globalThis as unknown as Win
      const engine = w.S.encryptedEngine(w.S.localStorageEngine(), { passphrase, iterations: 100_000 })
      return w.S.persistent<string[]>([], 'notes', { engine })
    }
    await a.evaluate(
      async ([src]) => {
        const w = globalThis as unknown as Win
        const notes = (new Function(`return ${src}`)() as (p: string) => Notes)('correct horse')
        w.t.notes = notes
        await notes.ready
      },
      [make.toString()],
    )
    await b.evaluate(
      async ([src]) => {
        const w = globalThis as unknown as Win
        const notes = (new Function(`return ${src}`)() as (p: string) => Notes)('correct horse')
        w.t.notes = notes
        await notes.ready
      },
      [make.toString()],
    )
    await a.evaluate(async () => {
      const notes = (globalThis as unknown as Win).t.notes as Notes
      notes.set(['secret plan'])
      await notes.flush()
    })
    const raw = await a.evaluate(() => localStorage.getItem('notes'))
    expect(raw).toMatch(/^enc1:/)
    expect(raw).not.toContain('secret')
    await b.waitForFunction(
      () => ((globalThis as unknown as Win).t.notes as Notes).get()[0] === 'secret plan',
      undefined,
      WAIT,
    )
    await reload(a)
    const results = await a.evaluate(
      async ([src]) => {
        const make = new Function(`return ${src}`)() as (p: string) => Notes
        const right = make('correct horse')
        await right.ready
        const wrong = make('wrong passphrase')
        await wrong.ready
        const before = localStorage.getItem('notes')
        wrong.set(['would overwrite'])
        await wrong.flush()
        return {
          right: right.get(),
          wrong: wrong.get(),
          status: wrong.hydration.get(),
          code: wrong.errors.get()[0]?.code,
          untouched: localStorage.getItem('notes') === before,
        }
      },
      [make.toString()],
    )
    expect(results).toEqual({
      right: ['secret plan'],
      wrong: ['would overwrite'],
      status: 'error',
      code: 'E_DECRYPT',
      untouched: true,
    })
    await a.close()
    await b.close()
  })
})
