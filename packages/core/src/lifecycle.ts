/**
 * `onMount()`: start a store's resource while something observes it (nanostores
 * semantics). A store is mounted when it gains its first subscriber in the graph
 * (an effect, a listener, or a computed that reads it) and unmounted when it has had
 * none for `unmountDelay` ms (default 1000, decision 0004), so a quick
 * unsubscribe/resubscribe does not restart the resource.
 */
import { NotAStoreError } from './errors.js'
import { Store } from './store.js'
import {
  addCleanup,
  batch,
  type Detachable,
  HAS_MOUNT,
  ReactiveNode,
  runCleanup,
  untracked,
} from './system.js'
import type { ReadableStore } from './types.js'

// biome-ignore lint/suspicious/noConfusingVoidType: bodies usually return nothing, or a cleanup
type Start = () => void | (() => void)

interface Mount {
  starts: Start[]
  /** Runs the stop functions of a mounted store; absent while it is unmounted. */
  cleanup?: (() => void) | undefined
  timer?: ReturnType<typeof setTimeout>
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
  const stop = (untracked as Detachable)(start, true)
  if (typeof stop === 'function') addCleanup(m, stop)
}

/** The graph hook: `n` gained its first sub (`observed`) or lost its last one
 * (`false`); the unmount timer calls it with neither, to unmount. */
function mountHook(n: ReactiveNode, observed?: boolean): void {
  const m = mounts.get(n)!
  const stop = m.cleanup
  if (observed) {
    clearTimeout(m.timer)
    if (!stop) {
      // the first link of the chain marks the store unmounted again
      m.cleanup = () => {
        m.cleanup = undefined
      }
      for (const s of m.starts) begin(m, s)
      // the reader that mounted us reads right after this hook: commit what `start` wrote
      // (a computed that now throws throws here, to that reader — its own read would too)
      n.peek()
    }
    // no timer to clear below: a lost sub always follows a gained one, which cleared it
    // the timer unmounts inside a batch: the stops' errors, collected by `runCleanup`, are
    // thrown by the timer's callback when the batch ends
  } else if (observed === false && unmountDelay) m.timer = setTimeout(batch, unmountDelay, () => mountHook(n))
  // (delay 0: the graph is unlinking a dep; the flush or disposal under way throws the
  // collected errors, or the next one when a plain read outside effects got here)
  else if (stop && !n.subs) runCleanup(m)
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
  ReactiveNode.mount = mountHook
  const m = mounts.get(store) ?? { starts: [] }
  mounts.set(store, m)
  store.flags |= HAS_MOUNT
  m.starts.push(start)
  if (m.cleanup) begin(m, start)
  else if (store.subs) mountHook(store, true)
  return () => {
    m.starts = m.starts.filter((s) => s !== start)
  }
}
