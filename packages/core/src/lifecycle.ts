/**
 * `onMount()`: start a store's resource while something observes it (nanostores
 * semantics). A store is mounted when it gains its first subscriber in the graph
 * (an effect, a listener, or a computed that reads it) and unmounted when it has had
 * none for `unmountDelay` ms (default 1000, decision 0004), so a quick
 * unsubscribe/resubscribe does not restart the resource.
 */
import { NotAStoreError } from './errors.js'
import { Store } from './store.js'
import { Flags, hooks, type ReactiveNode, refresh, untracked } from './system.js'
import type { ReadableStore } from './types.js'

// biome-ignore lint/suspicious/noConfusingVoidType: bodies usually return nothing, or a cleanup
type Start = () => void | (() => void)

interface Mount {
  starts: Start[]
  stops: (() => void)[]
  timer: ReturnType<typeof setTimeout> | undefined
  on: boolean
}

const mounts = new WeakMap<ReactiveNode, Mount>()
let unmountDelay = 1000

/**
 * Set how long a store stays mounted after its last observer leaves.
 *
 * @param ms - delay in milliseconds; 0 unmounts synchronously (useful in tests)
 * @example
 * ```ts
 * setUnmountDelay(0)
 * ```
 */
export function setUnmountDelay(ms: number): void {
  unmountDelay = ms
}

function begin(m: Mount, start: Start): void {
  const stop = untracked(start, true)
  if (typeof stop === 'function') m.stops.push(stop)
}

function watched(n: ReactiveNode): void {
  const m = mounts.get(n)!
  clearTimeout(m.timer)
  if (m.on) return
  m.on = true
  for (const s of m.starts) begin(m, s)
  // the reader that mounted us reads right after this hook: commit what `start` wrote
  refresh(n)
}

function unwatched(n: ReactiveNode): void {
  const m = mounts.get(n)!
  const stop = (): void => {
    if (n.subs || !m.on) return
    m.on = false
    for (const s of m.stops.splice(0)) untracked(s, true)
  }
  if (unmountDelay) m.timer = setTimeout(stop, unmountDelay)
  else stop()
}

/**
 * Run `start` when `store` gets its first observer; the function it returns runs
 * when the store has had no observer for the unmount delay. Use it to open a socket,
 * a query or a timer only while someone watches.
 *
 * @param store - a store created by @strata/core (throws `NotAStoreError` otherwise)
 * @param start - starts the resource; may return the stop function
 * @returns a function that removes this handler (a running resource keeps running
 *   until the store unmounts)
 * @example
 * ```ts
 * const now = signal(Date.now())
 * onMount(now, () => {
 *   const id = setInterval(() => now.set(Date.now()), 1000)
 *   return () => clearInterval(id)
 * })
 * ```
 */
export function onMount<T>(store: ReadableStore<T>, start: Start): () => void {
  if (!(store instanceof Store)) throw new NotAStoreError()
  hooks.watched = watched
  hooks.unwatched = unwatched
  let m = mounts.get(store)
  if (!m) mounts.set(store, (m = { starts: [], stops: [], timer: undefined, on: false }))
  store.flags |= Flags.mount
  m.starts.push(start)
  if (m.on) begin(m, start)
  else if (store.subs) watched(store)
  return () => {
    m.starts = m.starts.filter((s) => s !== start)
  }
}
