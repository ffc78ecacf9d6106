/**
 * Sync-or-async plumbing. A sync engine with sync codecs must hydrate synchronously (no
 * flash of the initial value), so the load pipeline only becomes asynchronous when one
 * of its steps actually returns a promise.
 */

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>

/** True for promises and other thenables. */
export function isPromiseLike<T>(x: MaybePromise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function'
}

/**
 * Continue with `next` now if `x` is a plain value, later if it is a promise. Errors
 * thrown synchronously by `next` propagate synchronously.
 */
export function andThen<A, B>(x: MaybePromise<A>, next: (a: A) => MaybePromise<B>): MaybePromise<B> {
  return isPromiseLike(x) ? x.then(next) : next(x)
}

/** Run `fn`, routing a sync throw or an async rejection to `onError`. */
export function attempt<A>(
  fn: () => MaybePromise<A>,
  onError: (e: unknown) => MaybePromise<A>,
): MaybePromise<A> {
  let r: MaybePromise<A>
  try {
    r = fn()
  } catch (e) {
    return onError(e)
  }
  return isPromiseLike(r) ? r.catch(onError) : r
}
