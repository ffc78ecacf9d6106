// The package in plain Node child processes: importing the main entry touches no browser
// (or other) globals; browser engines fall back to memory on a server; debounced writes
// to the file engine are flushed when the process ends, naturally or by process.exit().
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bundle } from './bundle.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const run = (file: string) => execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 })

describe('server safety (plain node child process)', () => {
  it('importing @strata/persist touches no browser globals; engines fall back to memory', async () => {
    const { dir } = await bundle('export * from "@strata/persist"', 'browser')
    dirs.push(dir)
    const probe = await bundle(
      `
const names = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator',
  'BroadcastChannel', 'addEventListener', 'location', 'self']
const touched = []
for (const name of names) {
  Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined } })
}
const p = await import(${JSON.stringify(join(dir, 'bundle.mjs'))})
const atImport = [...touched]
for (const name of names) delete globalThis[name]
const s = p.persistent({ theme: 'light' }, 'settings')
s.set({ theme: 'dark' })
const idb = p.indexedDBEngine(); const opfs = p.opfsEngine()
await idb.setItem('a', '1')
console.log(JSON.stringify({ atImport, engine: s.engine.name, value: s.get(), status: s.hydration.get(),
  idb: idb.name, opfs: opfs.name, session: p.sessionStorageEngine().name, a: await idb.getItem('a') }))
`,
      'node',
    )
    dirs.push(probe.dir)
    const out = JSON.parse(run(probe.file)) as Record<string, unknown>
    expect(out).toEqual({
      atImport: [],
      engine: 'memory (no localStorage)',
      value: { theme: 'dark' },
      status: 'ready',
      idb: 'memory (no indexedDB)',
      opfs: 'memory (no OPFS)',
      session: 'memory (no sessionStorage)',
      a: '1',
    })
  })

  it('the main entry bundle for browsers contains no node: imports', async () => {
    const { dir, file } = await bundle('export * from "@strata/persist"', 'browser')
    dirs.push(dir)
    expect(readFileSync(file, 'utf8')).not.toMatch(/from\s*["']node:|require\(["']node:/)
  })
})

describe('flushing debounced writes when a Node process ends', () => {
  for (const ending of ['naturally', 'process.exit()']) {
    it(`writes the pending value to the file engine when the process ends ${ending}`, async () => {
      const state = mkdtempSync(join(tmpdir(), 'strata-persist-exit-'))
      dirs.push(state)
      const { dir, file } = await bundle(
        `
import { persistent } from '@strata/persist'
import { fileEngine } from '@strata/persist/node'
const s = persistent(0, 'counter', { engine: fileEngine({ directory: ${JSON.stringify(state)} }), debounce: 600000 })
s.set(41)
s.set(42)
${ending === 'naturally' ? '' : 'process.exit(0)'}
`,
        'node',
      )
      dirs.push(dir)
      run(file)
      expect(readFileSync(join(state, 'kcounter'), 'utf8')).toBe('{"v":0,"d":42}')
    })
  }

  // A child process whose async engine refuses every write: the store's failed write is
  // retried once at exit (a final occasion: it does not register again) and Node exits.
  const refusedAtExit = async (imports: string, store: string) => {
    const { dir, file } = await bundle(
      `
import { ${imports}, memoryEngine } from '@strata/persist'
const inner = memoryEngine()
let attempts = 0
const engine = { ...inner, sync: false, getItem: async (k) => inner.getItem(k), keys: async (p) => inner.keys(p),
  removeItem: async (k) => inner.removeItem(k),
  setItem: async () => { attempts++; throw new Error('EIO') } }
${store}
process.on('exit', () => console.log(JSON.stringify({ attempts, errors: s.errors.get().map((e) => e.code) })))
`,
      'node',
    )
    dirs.push(dir)
    return JSON.parse(run(file)) as unknown
  }

  it('a write an async engine keeps refusing is retried once when the process ends, then it exits', async () => {
    const out = await refusedAtExit(
      'persistent',
      "const s = persistent(0, 'n', { engine })\nawait s.ready\ns.set(1)",
    )
    expect(out).toEqual({ attempts: 2, errors: ['E_WRITE', 'E_WRITE'] })
  })

  it('the same for a persistentMap entry: retried once when the process ends, then it exits', async () => {
    const out = await refusedAtExit(
      'persistentMap',
      "const s = persistentMap({}, 'p:', { engine })\nawait s.ready\ns.setKey('a', 1)",
    )
    expect(out).toEqual({ attempts: 2, errors: ['E_WRITE', 'E_WRITE'] })
  })
})
