import { afterEach, describe, expect, it } from 'vitest'
import { localStorageEngine, sessionStorageEngine, webStorageEngine } from './web-storage.js'

// A minimal Storage for this unit test only; the real one is exercised in Chromium
// (packages/persist/test/browser.test.ts).
class TestStorage implements Storage {
  private data = new Map<string, string>()
  fail = false
  get length() {
    return this.data.size
  }
  clear() {
    this.data.clear()
  }
  getItem(k: string) {
    return this.data.get(k) ?? null
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.data.delete(k)
  }
  setItem(k: string, v: string) {
    if (this.fail) throw new DOMException('full', 'QuotaExceededError')
    this.data.set(k, v)
  }
  [name: string]: unknown
}

const g = globalThis as { localStorage?: unknown; sessionStorage?: unknown }
afterEach(() => {
  delete g.localStorage
  delete g.sessionStorage
})

describe('web storage engines', () => {
  it('read, write, list by prefix through the Storage interface', () => {
    const s = new TestStorage()
    const e = webStorageEngine(s, 'test')
    e.setItem('p:a', '1')
    e.setItem('q', '2')
    expect(e.getItem('p:a')).toBe('1')
    expect(e.keys('p:')).toEqual(['p:a'])
    e.removeItem('p:a')
    expect(s.getItem('p:a')).toBeNull()
  })

  it('fall back to memory without a window (server rendering)', () => {
    expect(localStorageEngine().name).toMatch(/^memory/)
    expect(sessionStorageEngine().name).toMatch(/^memory/)
    const e = localStorageEngine()
    e.setItem('k', 'v')
    expect(e.getItem('k')).toBe('v')
  })

  it('fall back to memory when the Storage throws on use (privacy mode)', () => {
    const s = new TestStorage()
    s.fail = true
    g.localStorage = s
    expect(localStorageEngine().name).toMatch(/^memory/)
    g.sessionStorage = new TestStorage()
    expect(sessionStorageEngine().name).toBe('sessionStorage')
  })

  it('watch is inert without window events', () => {
    const off = webStorageEngine(new TestStorage()).watch?.(() => {})
    expect(typeof off).toBe('function')
    off?.()
  })
})
