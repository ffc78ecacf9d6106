/** `map()` stores (an object value with per-key writes) and `listenKeys()`. */
import { Store } from './store.js'
import type { ReadableStore, WritableStore } from './types.js'

/** A store holding an object, writable key by key. */
export interface MapStore<T extends object> extends WritableStore<T> {
  /**
   * Set one key (a new object is stored, so `===` subscribers see the change).
   * Setting `undefined` deletes the key; only optional keys accept it.
   */
  setKey<K extends keyof T>(key: K, value: T[K]): void
}

class MapNode<T extends object> extends Store<T> implements MapStore<T> {
  setKey<K extends keyof T>(key: K, value: T[K]): void {
    // copied up front (a write that changes nothing only costs the copy)
    const next = { ...this.peek() }
    if (value === undefined ? key in next : next[key] !== value) {
      if (value === undefined) delete next[key]
      else next[key] = value
      this.set(next)
    }
  }
}

/**
 * Create a map store: an object value whose keys can be set one by one, like
 * nanostores' `map`. Every write stores a new object.
 *
 * @param initial - the first value (copied; none is `{}`)
 * @returns the map store (`setKey` plus the whole store contract)
 * @example
 * ```ts
 * const profile = map<{ name: string; email?: string }>({ name: 'Ada' })
 * profile.setKey('email', 'ada@example.com')
 * profile.setKey('email', undefined) // deletes the key
 * ```
 */
export function map<T extends object>(initial?: T): MapStore<T> {
  return new MapNode<T>(0, { ...initial })
}

/**
 * Listen to changes of some keys only: `fn` runs when one of `keys` changed value
 * (`===`), with the new value, the old value and the first changed key.
 *
 * @param store - a map store (or any store holding an object)
 * @param keys - the keys to watch
 * @param fn - the listener
 * @returns the unsubscriber
 * @example
 * ```ts
 * listenKeys(profile, ['email'], (value) => send(value.email))
 * profile.setKey('name', 'Grace') // no call
 * ```
 */
export function listenKeys<T extends object, K extends keyof T>(
  store: ReadableStore<T>,
  keys: readonly K[],
  fn: (value: T, oldValue: T, changedKey: K) => void,
): () => void {
  return store.listen((value, old) => {
    for (const key of keys) if (value[key] !== old[key]) return fn(value, old, key)
  })
}
