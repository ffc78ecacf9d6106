/**
 * The stored format: `{"v":<version>,"d":<value>}` (default JSON codec) or
 * `{"v":<version>,"e":"<encoded text>"}` (custom `encode`). The version travels with
 * the data so a newer or older app can tell what it is reading. `undefined`, which JSON
 * cannot hold, is `{"v":<version>,"d":null,"u":1}`: read back as `undefined`, and as
 * `null` by versions that predate the flag (what they always stored).
 */
import { DecodeError } from './errors.js'

/** What an envelope holds once opened. */
export interface Opened {
  version: number
  data: unknown
}

/**
 * Wrap a value for storage.
 *
 * @param version the code's schema version
 * @param value the (partialized) value
 * @param encode optional custom encoder to text
 * @returns the text to store
 * @example
 * ```ts
 * seal(2, { theme: 'dark' }) // '{"v":2,"d":{"theme":"dark"}}'
 * ```
 */
export function seal(version: number, value: unknown, encode?: (value: never) => string): string {
  if (encode) return JSON.stringify({ v: version, e: encode(value as never) })
  const body = JSON.stringify(value)
  // JSON.stringify(undefined) is undefined: store null flagged as undefined.
  return `{"v":${version},"d":${body === undefined ? 'null,"u":1' : body}}`
}

/**
 * Open a stored envelope. Throws {@link DecodeError} on anything that is not one.
 *
 * @param key storage key (for the error)
 * @param raw stored text
 * @param decode optional custom decoder from text
 * @returns version and data
 * @example
 * ```ts
 * open('k', '{"v":2,"d":1}') // { version: 2, data: 1 }
 * ```
 */
export function open(key: string, raw: string, decode?: (text: string) => unknown): Opened {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (e) {
    throw new DecodeError(key, e)
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { v?: unknown }).v !== 'number') {
    throw new DecodeError(key, new Error('not a Strata envelope ({"v":number,...})'))
  }
  const env = parsed as { v: number; d?: unknown; e?: unknown; u?: unknown }
  if ('e' in env) {
    if (typeof env.e !== 'string') throw new DecodeError(key, new Error('encoded payload is not text'))
    if (!decode)
      throw new DecodeError(key, new Error('value was written with a custom encode but no decode is set'))
    try {
      return { version: env.v, data: decode(env.e) }
    } catch (e) {
      throw new DecodeError(key, e)
    }
  }
  if (!('d' in env)) throw new DecodeError(key, new Error('envelope has no data'))
  return { version: env.v, data: env.u === 1 && env.d === null ? undefined : env.d }
}
