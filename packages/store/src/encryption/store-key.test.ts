import { describe, expect, it } from 'vitest'
import { memoryStorage } from '../browser/storage/memory.js'
import { generateKey } from './cipher.js'
import { EncryptionMismatchError, WrongKeyError } from './errors.js'
import { openStoreCipher } from './store-key.js'

describe('openStoreCipher', () => {
  it('sets up key files for a new store and reopens with the same passphrase', async () => {
    const files = new Map<string, Uint8Array>()
    // spaces and "!" never occur in the base64 of salts and wrapped keys: a short
    // passphrase like "pw" would be found in them by chance (6 runs in 400 measured)
    const passphrase = 'correct horse battery staple!'
    const first = await openStoreCipher(memoryStorage(files), 's', { passphrase, iterations: 1000 })
    expect(first).toBeDefined()
    expect([...files.keys()].sort()).toEqual(['key.check', 'key.json'])
    const keyJson = JSON.parse(new TextDecoder().decode(files.get('key.json')))
    expect(keyJson).toMatchObject({ v: 1, kdf: 'pbkdf2-sha256', iterations: 1000 })
    expect(JSON.stringify(keyJson)).not.toContain(passphrase)
    const again = await openStoreCipher(memoryStorage(files), 's', { passphrase })
    const sealed = await first!.encrypt(new Uint8Array([1, 2, 3]), 'f')
    expect(await again!.decrypt(sealed, 'f')).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('a wrong passphrase or key is a WrongKeyError and changes nothing', async () => {
    const files = new Map<string, Uint8Array>()
    await openStoreCipher(memoryStorage(files), 's', { passphrase: 'right', iterations: 1000 })
    const before = new Map(files)
    await expect(openStoreCipher(memoryStorage(files), 's', { passphrase: 'wrong' })).rejects.toBeInstanceOf(
      WrongKeyError,
    )
    await expect(openStoreCipher(memoryStorage(files), 's', { key: await generateKey() })).rejects.toThrow(
      /encryption key is wrong/,
    )
    expect(files).toEqual(before)
  })

  it('refuses to open an encrypted store without a key, and to encrypt a plain store in place', async () => {
    const encrypted = new Map<string, Uint8Array>()
    await openStoreCipher(memoryStorage(encrypted), 's', { key: await generateKey() })
    await expect(openStoreCipher(memoryStorage(encrypted), 's', undefined)).rejects.toBeInstanceOf(
      EncryptionMismatchError,
    )
    const plain = new Map<string, Uint8Array>([['j-000000000001-000000000001', new Uint8Array([1])]])
    await expect(openStoreCipher(memoryStorage(plain), 's', { passphrase: 'x' })).rejects.toThrow(
      /created without encryption/,
    )
    expect(await openStoreCipher(memoryStorage(plain), 's', undefined)).toBeUndefined()
  })
})
