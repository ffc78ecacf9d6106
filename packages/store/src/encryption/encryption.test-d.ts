// Type tests of encryption options: a key or a passphrase, nothing else.
import type { EncryptionOptions } from './store-key.js'

export const byPassphrase: EncryptionOptions = { passphrase: 'correct horse' }
export const byKey = (key: CryptoKey): EncryptionOptions => ({ key })
// @ts-expect-error neither key nor passphrase
export const empty: EncryptionOptions = {}
// @ts-expect-error a passphrase is text
export const numeric: EncryptionOptions = { passphrase: 1234 }
// @ts-expect-error a raw string is not a CryptoKey
export const rawKey: EncryptionOptions = { key: 'deadbeef' }
