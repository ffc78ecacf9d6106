// Seed 002 "Polling Pattern": a store that polls an async endpoint, with loading / error
// / data state and enable/disable. Seed: 83 code lines (store + usage). Strata: 53 lines.
// What changes: the seed polls from `start()` until someone calls `stop()` (its usage
// wires that to a component effect by hand); here polling runs only while the data is
// observed AND `enabled` is true — `onMount` plus one effect on `enabled`. The seed also
// lets a slow response overwrite a newer one and applies responses that arrive after
// `stop()`, and a slow endpoint gets overlapping requests; here a tick is skipped while a
// poll is in flight, only the latest request may write, and leaving aborts the request.
import { effect, onMount, setUnmountDelay, signal } from '@strata/core'
import { http, startServer, type TestServer } from '../actions/_server.js'
import { waitFor } from './_wait.js'

export interface PollingOptions {
  interval: number
  immediate?: boolean
}

/** Poll `fetcher` every `interval` ms while `data` is observed and `enabled` is true. */
export function createPollingStore<T>(fetcher: (signal: AbortSignal) => Promise<T>, options: PollingOptions) {
  const { interval, immediate = true } = options
  const data = signal<T | null>(null)
  const loading = signal(false)
  const error = signal<Error | null>(null) // kept until a poll succeeds, so it does not flicker
  const enabled = signal(true)
  let latest = 0 // only the newest request may write
  const load = async (abort: AbortSignal) => {
    const seq = ++latest
    loading.set(true)
    try {
      const value = await fetcher(abort)
      if (seq === latest) {
        data.set(value)
        error.set(null)
      }
    } catch (e) {
      if (seq === latest) error.set(e instanceof Error ? e : new Error(String(e)))
    } finally {
      if (seq === latest) loading.set(false)
    }
  }
  onMount(data, () =>
    effect(() => {
      if (!enabled.get()) return
      const abort = new AbortController()
      if (immediate) void load(abort.signal)
      // a poll that outlasts the interval is not overlapped: the tick is skipped
      const id = setInterval(() => loading.peek() || void load(abort.signal), interval)
      return () => {
        clearInterval(id)
        abort.abort()
        latest++ // whatever is in flight is now stale
        loading.set(false)
      }
    }),
  )
  return {
    data,
    loading,
    error,
    enabled,
    start: () => enabled.set(true),
    stop: () => enabled.set(false),
    refresh: () => load(new AbortController().signal),
  }
}

export interface Order {
  id: string
  name: string
}

/** The backend: pending orders over real HTTP; `failing` makes it answer 503. */
export async function startOrdersServer(): Promise<
  TestServer & { state: { orders: Order[]; failing: boolean } }
> {
  const state = { orders: [{ id: 'o1', name: 'Coffee beans' }] as Order[], failing: false }
  const server = await startServer({
    'GET /api/orders/pending': () =>
      state.failing
        ? { status: 503, body: { message: 'orders service unavailable' } }
        : { body: state.orders },
  })
  return Object.assign(server, { state })
}

export async function main(log: (...args: unknown[]) => void) {
  setUnmountDelay(0) // stop polling as soon as the last observer leaves (default: 1000 ms)
  const server = await startOrdersServer()
  const polls = () => server.requests.length
  try {
    const orders = createPollingStore(
      (signal) => http<Order[]>(`${server.url}/api/orders/pending`, { signal }),
      {
        interval: 10,
      },
    )
    const loadingSeen: boolean[] = []
    const offLoading = orders.loading.subscribe((l) => loadingSeen.push(l))
    const off = orders.data.subscribe(() => undefined)
    await waitFor(() => orders.data.get()?.length === 1, 'the first orders')
    server.state.failing = true
    await waitFor(() => orders.error.get() !== null, 'the error')
    const duringOutage = { error: orders.error.get()?.message, data: orders.data.get() }
    server.state.failing = false
    server.state.orders = [...server.state.orders, { id: 'o2', name: 'Filters' }]
    await waitFor(() => orders.data.get()?.length === 2 && orders.error.get() === null, 'recovery')
    off()
    offLoading()
    log(
      'orders:',
      orders.data.get()?.map((o) => o.name),
      '| during outage:',
      duringOutage.error,
    )
    return { duringOutage, orders: orders.data.get(), loadingSeen, polls: polls() }
  } finally {
    setUnmountDelay(1000)
    await server.close()
  }
}
