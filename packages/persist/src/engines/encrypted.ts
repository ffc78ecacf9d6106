/**
 * Encryption at rest: an engine wrapper that AES-GCM-encrypts every value before it
 * reaches the inner engine. Keys come from PBKDF2(passphrase, salt) or are supplied as a
 * `CryptoKey`. The storage key is bound in as additional data, so a ciphertext copied to
 * another key fails to decrypt. A wrong key or tampered value raises `DecryptError`;
 * it never decodes into garbage state. Uses only `globalThis.crypto.subtle`
 * (browsers, Node >= 20).
 */
import { DecryptError } from '../errors.js'
import type { AsyncEngine, StorageEngine } from './types.js'

/**
 * Options of {@link encryptedEngine}: a passphrase or a ready key.
 * @example
 * ```ts
 * const options: EncryptionOptions = { passphrase: 'correct horse', iterations: 600_000 }
 * ```
 */
export type EncryptionOptions =
  | {
      /** Passphrase to derive the AES key from with PBKDF2-SHA-256. */
      passphrase: string
      /** Salt; default: a random salt stored once in the inner engine under `saltKey`. */
      salt?: Uint8Array | string
      /** PBKDF2 iterations; default 600,000. */
      iterations?: number
      /** Where the generated salt is kept; default "strata-enc:salt". */
      saltKey?: string
    }
  | {
      /** An AES-GCM `CryptoKey` usable for encrypt and decrypt. */
      key: CryptoKey
    }

const PREFIX = 'enc1:'
const enc = new TextEncoder()
const dec = new TextDecoder()

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available in this environment')
  return s
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/**
 * Derive an AES-GCM key from a passphrase with PBKDF2-SHA-256.
 *
 * @param passphrase the user's secret
 * @param salt at least 16 random bytes, stored beside the data (not secret)
 * @param iterations PBKDF2 rounds; default 600,000
 * @returns a non-extractable AES-GCM-256 `CryptoKey`
 * @example
 * ```ts
 * const key = await deriveKey('correct horse', crypto.getRandomValues(new Uint8Array(16)))
 * ```
 */
export async function deriveKey(
  passphrase: string,
  salt: Uint8Array | string,
  iterations = 600_000,
): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', enc.encode(passphrase), 'PBKDF2', false, ['deriveKey'])
  const saltBytes = typeof salt === 'string' ? enc.encode(salt) : new Uint8Array(salt)
  return subtle().deriveKey(
    { name: 'PBKDF2', salt: saltBytes, iterations, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

// Creating a salt is exclusive: across tabs through the Web Locks API where there is one,
// within this page always. The first engine to get the lock stores its salt; every later
// one reads and uses it, so no value is ever encrypted with a salt that is then replaced.
// One lock (or queue) per storage and salt key, never one for all: an encrypted engine
// inside another creates its own salt while the outer one holds its lock (locks are not
// reentrant), so both must never wait on the same name.
const chains = new Map<string, Promise<unknown>>()
function exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
  if (locks) return locks.request(name, fn) as Promise<T> // resolves to what fn resolves to
  // One entry per lock name ever used: as many as there are salt keys, never more.
  const run = (chains.get(name) ?? Promise.resolve()).then(fn)
  chains.set(
    name,
    run.catch(() => {}),
  )
  return run
}

/**
 * Wrap an engine so values are encrypted at rest with AES-GCM.
 *
 * @param inner the engine that stores the ciphertext
 * @param options a passphrase (PBKDF2) or a `CryptoKey`
 * @returns an {@link AsyncEngine} (WebCrypto is asynchronous)
 * @example
 * ```ts
 * const engine = encryptedEngine(localStorageEngine(), { passphrase: userSecret })
 * const notes = persistent([] as string[], 'notes', { engine })
 * ```
 */
export function encryptedEngine(inner: StorageEngine, options: EncryptionOptions): AsyncEngine {
  const saltKey = 'passphrase' in options ? (options.saltKey ?? 'strata-enc:salt') : null
  let keyPromise: Promise<CryptoKey> | null = null
  const key = (): Promise<CryptoKey> => {
    if ('key' in options) return Promise.resolve(options.key)
    keyPromise ??= (async () => {
      const at = saltKey as string
      const salt =
        options.salt ??
        fromBase64(
          // The inner engine's name is in the lock's name: an engine nested in another
          // with the same salt key must not wait for the lock its outer engine holds.
          await exclusive(`strata-enc:${inner.name}:${at}`, async () => {
            let stored = await inner.getItem(at)
            if (!stored) {
              await inner.setItem(at, toBase64(crypto.getRandomValues(new Uint8Array(16))))
              // Use what is stored now, not what we wrote: a writer no lock reaches (another
              // process) may have replaced ours, and its salt is the one that stays. What
              // remains: such a writer replacing ours after this read (no compare-and-set).
              stored = await inner.getItem(at)
              if (!stored) throw new Error(`the salt written to "${at}" could not be read back`)
            }
            return stored
          }),
        )
      return deriveKey(options.passphrase, salt, options.iterations)
    })()
    keyPromise.catch(() => {
      keyPromise = null
    })
    return keyPromise
  }

  const engine: AsyncEngine = {
    name: `encrypted(${inner.name})`,
    sync: false,
    async getItem(k) {
      const raw = await inner.getItem(k)
      if (raw === null) return null
      if (!raw.startsWith(PREFIX)) throw new DecryptError(k, new Error('stored value is not encrypted'))
      const [ivText, dataText] = raw.slice(PREFIX.length).split(':')
      try {
        const iv = fromBase64(ivText ?? '')
        const data = fromBase64(dataText ?? '')
        const plain = await subtle().decrypt(
          { name: 'AES-GCM', iv, additionalData: enc.encode(k) },
          await key(),
          data,
        )
        return dec.decode(plain)
      } catch (e) {
        throw new DecryptError(k, e)
      }
    },
    async setItem(k, value) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const data = await subtle().encrypt(
        { name: 'AES-GCM', iv, additionalData: enc.encode(k) },
        await key(),
        enc.encode(value),
      )
      await inner.setItem(k, `${PREFIX}${toBase64(iv)}:${toBase64(new Uint8Array(data))}`)
    },
    removeItem: async (k) => inner.removeItem(k),
    keys: async (prefix) => (await inner.keys(prefix)).filter((k) => k !== saltKey),
  }
  if (inner.watch) engine.watch = inner.watch.bind(inner)
  return engine
}
