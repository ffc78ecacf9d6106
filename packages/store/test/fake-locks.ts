// Test support: Web Locks under Node (which has none), for the tab-coordination tests.
type Granted = (lock: unknown) => Promise<void>
interface Waiter {
  readonly cb: Granted
  readonly done: () => void
}

/**
 * A FIFO lock manager with `ifAvailable` and `signal`, like `navigator.locks`, plus
 * `crash(name)`: what the browser does when the holder's tab dies (the lock is free
 * at once, whatever the holder was doing).
 */
export function fakeLocks() {
  const queues = new Map<string, Waiter[]>()
  const held = new Map<string, Waiter>()
  const grant = (name: string) => {
    if (held.has(name)) return
    const next = queues.get(name)?.shift()
    if (next === undefined) return
    held.set(name, next)
    void next.cb({ name }).finally(() => {
      if (held.get(name) !== next) return // crashed earlier
      held.delete(name)
      next.done()
      grant(name)
    })
  }
  return {
    /** Put this manager on `globalThis.navigator.locks`; returns the undo. */
    install(): () => void {
      const g = globalThis as { navigator?: unknown }
      const before = g.navigator
      g.navigator = { locks: this }
      return () => {
        if (before === undefined) delete g.navigator
        else g.navigator = before
      }
    },
    crash(name: string) {
      held.delete(name)
      grant(name)
    },
    request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, cb: Granted) {
      return new Promise<void>((resolve, reject) => {
        if (options.ifAvailable === true && (held.has(name) || (queues.get(name)?.length ?? 0) > 0)) {
          cb(null).then(resolve, reject)
          return
        }
        const waiter: Waiter = { cb, done: resolve }
        queues.set(name, [...(queues.get(name) ?? []), waiter])
        options.signal?.addEventListener('abort', () => {
          const q = queues.get(name) ?? []
          if (!q.includes(waiter)) return
          queues.set(
            name,
            q.filter((w) => w !== waiter),
          )
          reject(new Error('aborted'))
        })
        grant(name)
      })
    },
  }
}
