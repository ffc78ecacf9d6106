/**
 * Moving damaged stored values aside. A value that fails to decode, migrate or validate
 * is copied to `<key>.quarantine.<timestamp>` before anything may overwrite it, so a bug
 * in a new release never silently destroys what an older one wrote. If the copy fails,
 * the caller must not write to the key at all.
 */
import type { StorageEngine } from './engines/types.js'
import { attempt, andThen, type MaybePromise } from './maybe-promise.js'

/**
 * The quarantine key for `key` at time `now`.
 *
 * @example
 * ```ts
 * quarantineKey('settings', 1700000000000) // 'settings.quarantine.1700000000000'
 * ```
 */
export function quarantineKey(key: string, now: number): string {
  return `${key}.quarantine.${now}`
}

/**
 * Copy `raw` aside. Resolves to the quarantine key, or throws what the engine threw.
 *
 * @param engine where to copy
 * @param key the damaged value's key
 * @param raw the damaged text, byte for byte
 * @returns the quarantine key
 * @example
 * ```ts
 * const where = await quarantine(engine, 'settings', '{oops')
 * ```
 */
export function quarantine(engine: StorageEngine, key: string, raw: string): MaybePromise<string> {
  const qk = quarantineKey(key, Date.now())
  return attempt(
    () => andThen(engine.setItem(qk, raw) as MaybePromise<void>, () => qk),
    (e) => {
      throw e
    },
  )
}
