/**
 * The store contract every reactive thing in Strata implements, and the option types
 * of the primitives. Types only: no runtime code lives here.
 */

/** A value you can read and watch: a signal, a computed, a map store, a live query… */
export interface ReadableStore<T> {
  /** Read the value; inside a computed or effect the read is tracked. */
  get(): T
  /** Read the value without tracking it. */
  peek(): T
  /** Call `fn` now with the value and again on each change; returns the unsubscriber (Svelte store contract). */
  subscribe(fn: (value: T) => void): () => void
  /** Call `fn` on each change (not now) with the new and the old value; returns the unsubscriber. */
  listen(fn: (value: T, oldValue: T) => void): () => void
}

/** A store you can also write. */
export interface WritableStore<T> extends ReadableStore<T> {
  /** Replace the value; subscribers are notified only if it differs (`===` or `equals`). */
  set(value: T): void
  /** Replace the value with `fn(current)`. */
  update(fn: (value: T) => T): void
}

/** A writable source node created by `signal()`. */
export type Signal<T> = WritableStore<T>

/** A lazily derived, cached node created by `computed()`. */
export type Computed<T> = ReadableStore<T>

/** Options of `signal()` and `computed()`. */
export interface NodeOptions<T> {
  /** Decides whether a new value equals the old one (then nothing is notified). Default `===`. */
  equals?: (a: T, b: T) => boolean
  /** Debug name, used in error messages such as a `CycleError`. */
  name?: string
}
