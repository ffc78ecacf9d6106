/**
 * Moving damaged stored values aside. A value that fails to decode, migrate or validate
 * is copied to `<key>.quarantine.<timestamp>` before anything may overwrite it, so a bug
 * in a new release never silently destroys what an older one wrote. If the copy fails,
 * the caller must not write to the key at all.
 *
 * A copy is never overwritten: the timestamp is the current time or one past the last
 * name this page chose, whichever is later, stepped on while a copy of exactly that name
 * exists, so two damaged values in one millisecond get two copies. It is not moved past
 * copies with later timestamps (written by a clock that is ahead): names are unique, not
 * always in time order. A damaged value that already has a copy with the same text
 * is not copied again: reloading a page over an untouched damaged value reuses the copy
 * instead of adding one per load until the quota is full. Remaining window: two tabs
 * copying *different* damaged texts of one key in the same millisecond, each before the
 * other's copy is visible, pick the same name (storage has no compare-and-set).
 */
import type { StorageEngine } from './engines/types.js'
import { andThen, attempt, type MaybePromise } from './maybe-promise.js'

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

// The last timestamp this page used: names chosen here never repeat, even while an async
// engine has not yet stored the previous copy.
let last = 0

/**
 * Copy `raw` aside, unless a copy of the same text exists already. Resolves to the
 * quarantine key holding `raw`, or throws what the engine threw on writing.
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
  const prefix = quarantineKey(key, 0).slice(0, -1)
  // Listing and comparing are best effort: if they fail, a copy is still made.
  const none = (): string[] => []
  return andThen(
    attempt(() => engine.keys(prefix), none),
    (all) => {
      const copies = all.filter((k) => /^\d+$/.test(k.slice(prefix.length)))
      const find = (i: number): MaybePromise<string> => {
        if (i >= copies.length) {
          let now = Math.max(Date.now(), last + 1)
          while (copies.includes(quarantineKey(key, now))) now++
          last = now
          const qk = quarantineKey(key, now)
          return andThen(engine.setItem(qk, raw) as MaybePromise<void>, () => qk)
        }
        const qk = copies[i] as string
        return andThen(
          attempt(
            () => engine.getItem(qk),
            () => null,
          ),
          (text) => (text === raw ? qk : find(i + 1)),
        )
      }
      return find(0)
    },
  )
}
