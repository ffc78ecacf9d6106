/**
 * Value-level AES-256-GCM over WebCrypto (browsers and Node ≥ 20 alike). Each value gets
 * a fresh random 96-bit IV and is bound to its storage name through GCM's associated
 * data, so a ciphertext copied under another name fails to decrypt. Layout of a sealed
 * value: `"SGC1"` (4 bytes) · IV (12) · ciphertext with 16-byte tag.
 */
import { DecryptionError } from './errors.js'

const MAGIC = new Uint8Array([0x53, 0x47, 0x43, 0x31]) // "SGC1"
const IV_BYTES = 12
/**
 * PBKDF2-SHA-256 iterations used when the caller does not choose (OWASP 2023 guidance).
 * @example
 * await deriveKeyFromPassphrase(passphrase, salt, DEFAULT_PBKDF2_ITERATIONS)
 */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000

const subtle = (): SubtleCrypto => globalThis.crypto.subtle
// WebCrypto's types want ArrayBuffer-backed views; ours never sit on a SharedArrayBuffer.
const buf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>

/**
 * Encrypts and decrypts values bound to a context string.
 * @example
 * const cipher = aesGcmCipher(await generateKey())
 * const sealed = await cipher.encrypt(new TextEncoder().encode('hi'), 'file-1')
 * await cipher.decrypt(sealed, 'file-1') // the bytes of 'hi'
 */
export interface Cipher {
  /** Seal bytes under `context` (e.g. the file name). */
  encrypt(plain: Uint8Array, context: string): Promise<Uint8Array>
  /** Open bytes sealed under the same `context`; throws DecryptionError otherwise. */
  decrypt(sealed: Uint8Array, context: string): Promise<Uint8Array>
}

/**
 * An AES-GCM cipher over a CryptoKey (algorithm `AES-GCM`, usages encrypt + decrypt).
 * @param key the key
 * @returns the cipher
 * @example
 * const cipher = aesGcmCipher(await deriveKeyFromPassphrase('correct horse', salt))
 */
export function aesGcmCipher(key: CryptoKey): Cipher {
  const encoder = new TextEncoder()
  return {
    async encrypt(plain, context) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await subtle().encrypt(
          { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
          key,
          buf(plain),
        ),
      )
      const out = new Uint8Array(MAGIC.length + IV_BYTES + sealed.length)
      out.set(MAGIC, 0)
      out.set(iv, MAGIC.length)
      out.set(sealed, MAGIC.length + IV_BYTES)
      return out
    },
    async decrypt(sealed, context) {
      if (!isSealed(sealed)) throw new DecryptionError(context)
      const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES)
      try {
        return new Uint8Array(
          await subtle().decrypt(
            { name: 'AES-GCM', iv: buf(iv), additionalData: encoder.encode(context) },
            key,
            buf(sealed.subarray(MAGIC.length + IV_BYTES)),
          ),
        )
      } catch (e) {
        throw new DecryptionError(context, { cause: e })
      }
    },
  }
}

/**
 * Whether bytes look like a value sealed by `aesGcmCipher` (magic prefix and minimum size).
 * @param bytes any bytes
 * @returns true for sealed values
 * @example
 * isSealed(await cipher.encrypt(data, 'x')) // true
 */
export function isSealed(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length + IV_BYTES + 16) return false
  return MAGIC.every((b, i) => bytes[i] === b)
}

/**
 * Derive an AES-256-GCM key from a passphrase with PBKDF2-SHA-256.
 * @param passphrase the user's secret
 * @param salt random bytes stored beside the data (16 bytes recommended)
 * @param iterations PBKDF2 iterations (default 600,000)
 * @returns a non-extractable AES-GCM key
 * @example
 * const salt = crypto.getRandomValues(new Uint8Array(16))
 * const key = await deriveKeyFromPassphrase('correct horse battery staple', salt)
 */
export async function deriveKeyFromPassphrase(
  passphrase: string,
  salt: Uint8Array,
  iterations: number = DEFAULT_PBKDF2_ITERATIONS,
): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ])
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/**
 * Generate a random AES-256-GCM key (keep it in a keychain / credential store).
 * @param extractable whether `crypto.subtle.exportKey` may export it (default false)
 * @returns the key
 * @example
 * const key = await generateKey()
 * const adapter = browserAdapter({ encryption: { key } })
 */
export function generateKey(extractable = false): Promise<CryptoKey> {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt'])
}
