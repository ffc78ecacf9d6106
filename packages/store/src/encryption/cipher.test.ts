import { describe, expect, it } from 'vitest'
import { aesGcmCipher, deriveKeyFromPassphrase, generateKey, isSealed } from './cipher.js'
import { DecryptionError } from './errors.js'

const text = (s: string) => new TextEncoder().encode(s)

describe('AES-GCM cipher', () => {
  it('round-trips and never writes the plaintext', async () => {
    const cipher = aesGcmCipher(await generateKey())
    const sealed = await cipher.encrypt(text('secret todo: buy milk'), 'j-1')
    expect(isSealed(sealed)).toBe(true)
    expect(new TextDecoder('latin1').decode(sealed)).not.toContain('buy milk')
    expect(new TextDecoder().decode(await cipher.decrypt(sealed, 'j-1'))).toBe('secret todo: buy milk')
  })

  it('uses a fresh IV each time (equal plaintexts give different ciphertexts)', async () => {
    const cipher = aesGcmCipher(await generateKey())
    const a = await cipher.encrypt(text('same'), 'x')
    const b = await cipher.encrypt(text('same'), 'x')
    expect(a).not.toEqual(b)
  })

  it('a ciphertext moved under another name fails with DecryptionError', async () => {
    const cipher = aesGcmCipher(await generateKey())
    const sealed = await cipher.encrypt(text('v'), 'j-000000000001-000000000001')
    await expect(cipher.decrypt(sealed, 'j-000000000002-000000000002')).rejects.toBeInstanceOf(
      DecryptionError,
    )
  })

  it('a flipped bit or a truncated value fails with DecryptionError', async () => {
    const cipher = aesGcmCipher(await generateKey())
    const sealed = await cipher.encrypt(text('value'), 'x')
    const flipped = sealed.slice()
    flipped[flipped.length - 1]! ^= 1
    await expect(cipher.decrypt(flipped, 'x')).rejects.toBeInstanceOf(DecryptionError)
    await expect(cipher.decrypt(sealed.subarray(0, 10), 'x')).rejects.toBeInstanceOf(DecryptionError)
  })

  it('PBKDF2: the same passphrase and salt give a key that opens the value; another passphrase does not', async () => {
    const salt = new Uint8Array(16).fill(7)
    const a = aesGcmCipher(await deriveKeyFromPassphrase('correct horse', salt, 1000))
    const b = aesGcmCipher(await deriveKeyFromPassphrase('correct horse', salt, 1000))
    const wrong = aesGcmCipher(await deriveKeyFromPassphrase('wrong horse', salt, 1000))
    const sealed = await a.encrypt(text('hello'), 'x')
    expect(new TextDecoder().decode(await b.decrypt(sealed, 'x'))).toBe('hello')
    await expect(wrong.decrypt(sealed, 'x')).rejects.toBeInstanceOf(DecryptionError)
  })
})
