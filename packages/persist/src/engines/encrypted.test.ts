import { describe, expect, it, vi } from 'vitest'
import { DecryptError } from '../errors.js'
import { deriveKey, encryptedEngine } from './encrypted.js'
import { MemoryArea, memoryEngine } from './memory.js'
import type { AsyncEngine, SyncEngine } from './types.js'

const fast = { iterations: 1000 }

describe('encryptedEngine (WebCrypto AES-GCM)', () => {
  it('stores ciphertext, returns plaintext', async () => {
    const inner = memoryEngine()
    const e = encryptedEngine(inner, { passphrase: 'pw', ...fast })
    await e.setItem('secret', 'hello world')
    const raw = inner.getItem('secret')
    expect(raw).toMatch(/^enc1:/)
    expect(raw).not.toContain('hello')
    expect(await e.getItem('secret')).toBe('hello world')
    expect(inner.getItem('strata-enc:salt')).not.toBeNull()
    expect(await e.keys('')).toEqual(['secret'])
  })

  it('a second engine with the same passphrase reads it (salt kept in storage)', async () => {
    const inner = memoryEngine()
    await encryptedEngine(inner, { passphrase: 'pw', ...fast }).setItem('k', 'v')
    expect(await encryptedEngine(inner, { passphrase: 'pw', ...fast }).getItem('k')).toBe('v')
  })

  it('a wrong passphrase is a DecryptError naming the key, and the data stays', async () => {
    const inner = memoryEngine()
    await encryptedEngine(inner, { passphrase: 'right', ...fast }).setItem('k', 'v')
    const before = inner.getItem('k')
    const err = await encryptedEngine(inner, { passphrase: 'wrong', ...fast })
      .getItem('k')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DecryptError)
    expect((err as DecryptError).code).toBe('E_DECRYPT')
    expect((err as DecryptError).key).toBe('k')
    expect(inner.getItem('k')).toBe(before)
  })

  it('a ciphertext moved to another key or tampered with fails to decrypt', async () => {
    const inner = memoryEngine()
    const e = encryptedEngine(inner, { passphrase: 'pw', ...fast })
    await e.setItem('a', 'v')
    inner.setItem('b', inner.getItem('a') as string)
    await expect(e.getItem('b')).rejects.toBeInstanceOf(DecryptError)
    const raw = inner.getItem('a') as string
    inner.setItem('a', `${raw.slice(0, -4)}AAA=`)
    await expect(e.getItem('a')).rejects.toBeInstanceOf(DecryptError)
    inner.setItem('plain', 'not encrypted')
    await expect(e.getItem('plain')).rejects.toBeInstanceOf(DecryptError)
  })

  it('accepts a supplied CryptoKey', async () => {
    const key = await deriveKey('pw', 'fixed-salt-16byt', 1000)
    const e = encryptedEngine(memoryEngine(), { key })
    await e.setItem('k', 'ünïcödé ✓')
    expect(await e.getItem('k')).toBe('ünïcödé ✓')
    const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ])
    const inner = memoryEngine()
    await encryptedEngine(inner, { key }).setItem('k', 'v')
    await expect(encryptedEngine(inner, { key: other }).getItem('k')).rejects.toBeInstanceOf(DecryptError)
  })

  it('two engines with one passphrase writing on first use: both values readable after reload', async () => {
    const inner = memoryEngine()
    const e1 = encryptedEngine(inner, { passphrase: 'pw', ...fast })
    const e2 = encryptedEngine(inner, { passphrase: 'pw', ...fast })
    await Promise.all([e1.setItem('a', 'A'), e2.setItem('b', 'B')])
    const reload = encryptedEngine(inner, { passphrase: 'pw', ...fast })
    expect(await reload.getItem('b')).toBe('B')
    expect(await reload.getItem('a')).toBe('A')
  })

  it('a salt something was encrypted with is never replaced, however slow the first writer is', async () => {
    const area = new MemoryArea()
    // Two "tabs" on one storage; the first one's salt write lands late.
    const slow = (engine: SyncEngine, ms: number): AsyncEngine => ({
      ...engine,
      sync: false,
      getItem: async (k) => engine.getItem(k),
      setItem: (k, v) => new Promise((r) => setTimeout(() => r(engine.setItem(k, v)), ms)),
      removeItem: async (k) => engine.removeItem(k),
      keys: async (prefix) => engine.keys(prefix),
    })
    const e1 = encryptedEngine(slow(memoryEngine({ area }), 30), { passphrase: 'pw', ...fast })
    const e2 = encryptedEngine(slow(memoryEngine({ area }), 0), { passphrase: 'pw', ...fast })
    await Promise.all([e1.setItem('a', 'A'), e2.setItem('b', 'B'), e2.setItem('c', 'C')])
    const reload = encryptedEngine(memoryEngine({ area }), { passphrase: 'pw', ...fast })
    expect(await Promise.all(['a', 'b', 'c'].map((k) => reload.getItem(k)))).toEqual(['A', 'B', 'C'])
  })

  it('adopts the salt that is stored when another writer replaced its own before it was used', async () => {
    const area = new MemoryArea()
    const tab = memoryEngine({ area })
    let raced = false
    // A writer this page cannot lock out (another process) stores its salt right after ours.
    const racing: SyncEngine = {
      ...tab,
      setItem(k, v) {
        tab.setItem(k, v)
        if (k === 'strata-enc:salt' && !raced) {
          raced = true
          tab.setItem(k, 'AAAAAAAAAAAAAAAAAAAAAA==')
        }
      },
    }
    await encryptedEngine(racing, { passphrase: 'pw', ...fast }).setItem('a', 'A')
    expect(area.data.get('strata-enc:salt')).toBe('AAAAAAAAAAAAAAAAAAAAAA==')
    expect(await encryptedEngine(memoryEngine({ area }), { passphrase: 'pw', ...fast }).getItem('a')).toBe(
      'A',
    )
  })
  it('nested encrypted engines (different salt keys) do not deadlock without navigator.locks', async () => {
    const inner = encryptedEngine(memoryEngine(), { passphrase: 'a', saltKey: 's-inner', ...fast })
    const outer = encryptedEngine(inner, { passphrase: 'b', saltKey: 's-outer', ...fast })
    const r = await Promise.race([
      outer.setItem('k', 'v').then(() => 'done'),
      new Promise((res) => setTimeout(() => res('timeout'), 1500)),
    ])
    expect(r).toBe('done')
    expect(await outer.getItem('k')).toBe('v')
  })

  it('nested encrypted engines do not deadlock with navigator.locks (locks are not reentrant)', async () => {
    // A LockManager like the browser's: one holder per name, no reentry.
    const held = new Map<string, Promise<unknown>>()
    const locks = {
      request(name: string, fn: () => Promise<unknown>) {
        const run = (held.get(name) ?? Promise.resolve()).then(fn)
        held.set(
          name,
          run.catch(() => {}),
        )
        return run
      },
    }
    vi.stubGlobal('navigator', { locks })
    try {
      const settle = (p: Promise<unknown>) =>
        Promise.race([
          p.then(
            () => 'done',
            () => 'failed',
          ),
          new Promise((res) => setTimeout(() => res('timeout'), 1500)),
        ])
      const inner = encryptedEngine(memoryEngine(), { passphrase: 'a', saltKey: 's-inner', ...fast })
      const outer = encryptedEngine(inner, { passphrase: 'b', saltKey: 's-outer', ...fast })
      expect(await settle(outer.setItem('k', 'v'))).toBe('done')
      // the same salt key at both levels: it cannot work (the outer salt is the inner one's
      // key), but it fails instead of hanging
      const inner2 = encryptedEngine(memoryEngine(), { passphrase: 'a', ...fast })
      const outer2 = encryptedEngine(inner2, { passphrase: 'b', ...fast })
      expect(await settle(outer2.setItem('k', 'v'))).not.toBe('timeout')
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
