/**
 * Per-store key setup for encryption at rest. A store's storage holds two small files:
 * `key.json` (plain: format version, KDF, salt, iterations — nothing secret) and
 * `key.check` (a known text sealed with the key), so a wrong key is reported as
 * `WrongKeyError` before any data file is read, and damage to a data file is told apart
 * from a wrong key. A new store's key is created under the Web Lock
 * `strata-store-key:<storeId>`, so tabs opening it at once share one key.
 */
import { base64ToBytes, bytesToBase64 } from '../browser/codec.js'
import type { DurableStorage } from '../browser/storage/storage.js'
import { aesGcmCipher, type Cipher, DEFAULT_PBKDF2_ITERATIONS, deriveKeyFromPassphrase } from './cipher.js'
import { DecryptionError, EncryptionMismatchError, WrongKeyError } from './errors.js'

/**
 * How a store's files are encrypted: a CryptoKey you manage, or a passphrase from which
 * a key is derived with PBKDF2 (salt generated once and kept in `key.json`).
 * @example
 * const a: EncryptionOptions = { passphrase: 'correct horse battery staple' }
 * const b: EncryptionOptions = { key: await generateKey() }
 */
export type EncryptionOptions =
  | { readonly key: CryptoKey }
  | { readonly passphrase: string; readonly iterations?: number }

interface KeyFile {
  readonly v: 1
  readonly kdf: 'pbkdf2-sha256' | 'key'
  readonly salt?: string
  readonly iterations?: number
}

/**
 * Names the key machinery owns inside a store's storage.
 * @example
 * (await storage.list()).filter((n) => !KEY_FILES.includes(n as never))
 */
export const KEY_FILES = ['key.json', 'key.check'] as const

const checkText = (storeId: string) => new TextEncoder().encode(`strata key check for store ${storeId}`)

/**
 * Open (or, for a new store, set up) the cipher of a store's storage.
 * @param storage the store's durable storage
 * @param storeId the store
 * @param options the key or passphrase; `undefined` = the store must be unencrypted
 * @returns the cipher, or `undefined` for an unencrypted store
 * @throws WrongKeyError when the key does not open the store
 * @throws EncryptionMismatchError when encryption is given for a plain store or missing for an encrypted one
 * @example
 * const cipher = await openStoreCipher(await opfsStorage('app'), 'app', { passphrase: 'pw' })
 */
export async function openStoreCipher(
  storage: DurableStorage,
  storeId: string,
  options: EncryptionOptions | undefined,
): Promise<Cipher | undefined> {
  const names = await storage.list()
  // key.check is written first: alone, it is a store whose creator died before key.json
  // (or is writing it now), never a plain store.
  if (options === undefined) {
    if (names.some(isKeyFile)) throw new EncryptionMismatchError(storeId, storage.location, true)
    return undefined
  }
  if (names.includes('key.json')) return openKeyFiles(storage, storeId, options)
  // A new store: tabs opening it at once must agree on one key (each writing its own salt
  // would leave the leader's journal sealed with a key the files no longer name). The
  // first to take this lock creates the key; the others then find and adopt it.
  return withKeyLock(storeId, async () => {
    const now = await storage.list()
    if (now.includes('key.json')) return openKeyFiles(storage, storeId, options)
    if (now.some((n) => !isKeyFile(n))) throw new EncryptionMismatchError(storeId, storage.location, false)
    return createKeyFiles(storage, storeId, options)
  })
}

const isKeyFile = (name: string) => (KEY_FILES as readonly string[]).includes(name)

interface LockManager {
  request(name: string, options: object, cb: () => Promise<void>): Promise<unknown>
}

/** Run `fn` holding the store's key lock (Web Locks; without them, e.g. in Node, just run it). */
async function withKeyLock<T>(storeId: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
  if (locks === undefined) return fn()
  let result: Promise<T> | undefined
  await locks.request(`strata-store-key:${storeId}`, {}, async () => {
    result = fn()
    await result.catch(() => {})
  })
  return result!
}

async function openKeyFiles(
  storage: DurableStorage,
  storeId: string,
  options: EncryptionOptions,
): Promise<Cipher> {
  const raw = await storage.read('key.json')
  let file: KeyFile
  try {
    file = JSON.parse(new TextDecoder().decode(raw)) as KeyFile
  } catch (e) {
    throw new DecryptionError('key.json', { cause: e })
  }
  const key =
    'key' in options
      ? options.key
      : await deriveKeyFromPassphrase(
          options.passphrase,
          base64ToBytes(file.salt ?? ''),
          file.iterations ?? DEFAULT_PBKDF2_ITERATIONS,
        )
  const cipher = aesGcmCipher(key)
  const check = await storage.read('key.check')
  if (check === undefined) throw new DecryptionError('key.check')
  try {
    await cipher.decrypt(check, 'key.check')
  } catch {
    throw new WrongKeyError(storeId, storage.location)
  }
  return cipher
}

async function createKeyFiles(
  storage: DurableStorage,
  storeId: string,
  options: EncryptionOptions,
): Promise<Cipher> {
  let file: KeyFile
  let key: CryptoKey
  if ('key' in options) {
    file = { v: 1, kdf: 'key' }
    key = options.key
  } else {
    const salt = globalThis.crypto.getRandomValues(new Uint8Array(16))
    const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS
    file = { v: 1, kdf: 'pbkdf2-sha256', salt: bytesToBase64(salt), iterations }
    key = await deriveKeyFromPassphrase(options.passphrase, salt, iterations)
  }
  const cipher = aesGcmCipher(key)
  // key.check first: key.json is only written after its check value is durable, and
  // key.check alone (creator killed in between) still counts as encrypted, never plain.
  await storage.write('key.check', await cipher.encrypt(checkText(storeId), 'key.check'))
  await storage.write('key.json', new TextEncoder().encode(JSON.stringify(file)))
  return cipher
}
