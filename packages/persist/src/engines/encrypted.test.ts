import { describe, expect, it } from 'vitest'
import { DecryptError } from '../errors.js'
import { deriveKey, encryptedEngine } from './encrypted.js'
import { memoryEngine } from './memory.js'

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
})
