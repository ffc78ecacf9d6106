import { setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { http } from '../actions/_server.js'
import { waitFor } from './_wait.js'
import { createPollingStore, main, type Order, startOrdersServer } from './polling.js'

const INTERVAL = 10
let server: Awaited<ReturnType<typeof startOrdersServer>>
let calls = 0 // counted on the client: a request aborted in flight may still reach the server
const fetchOrders = (signal: AbortSignal) => {
  calls++
  return http<Order[]>(`${server.url}/api/orders/pending`, { signal })
}
/** Let several poll intervals pass: used only to show that nothing happened meanwhile. */
const intervalsPass = (n: number) => {
  const until = Date.now() + n * INTERVAL
  return waitFor(() => Date.now() >= until, `${n} intervals`)
}

beforeEach(async () => {
  setUnmountDelay(0)
  calls = 0
  server = await startOrdersServer()
})
afterEach(async () => {
  setUnmountDelay(1000)
  await server.close()
})

describe('polling store with loading / error / enable (seed 002)', () => {
  it('loads, reports an outage keeping the last data, recovers', async () => {
    const out = await main(() => undefined)
    expect(out.duringOutage).toEqual({
      error: 'orders service unavailable',
      data: [{ id: 'o1', name: 'Coffee beans' }],
    })
    expect(out.orders?.map((o) => o.id)).toEqual(['o1', 'o2'])
    expect(out.loadingSeen.slice(0, 3)).toEqual([false, true, false])
    expect(out.polls).toBeGreaterThanOrEqual(3)
  })

  it('polls only while observed', async () => {
    const orders = createPollingStore(fetchOrders, { interval: INTERVAL })
    expect(orders.data.get()).toBeNull() // a read is not an observer
    await intervalsPass(5)
    expect(server.requests).toEqual([])
    const off = orders.data.subscribe(() => undefined)
    await waitFor(() => server.requests.length >= 3, 'three polls')
    off()
    const atLeave = calls
    await intervalsPass(10)
    expect(calls).toBe(atLeave)
    expect(orders.loading.get()).toBe(false)
  })

  it('stop() disables polling while still observed; start() resumes with an immediate poll', async () => {
    const orders = createPollingStore(fetchOrders, { interval: INTERVAL })
    const off = orders.data.subscribe(() => undefined)
    await waitFor(() => orders.data.get() !== null, 'first data')
    orders.stop()
    const atStop = calls
    await intervalsPass(10)
    expect(calls).toBe(atStop)
    expect(orders.enabled.get()).toBe(false)
    orders.start()
    expect(calls).toBe(atStop + 1) // immediate poll on re-enable
    await waitFor(() => server.requests.length > atStop, 'polling to resume')
    off()
  })

  it('immediate: false waits one interval; refresh() fetches on demand even when not observed', async () => {
    const orders = createPollingStore(fetchOrders, { interval: INTERVAL, immediate: false })
    await orders.refresh()
    expect(orders.data.get()).toEqual([{ id: 'o1', name: 'Coffee beans' }])
    expect(server.requests).toHaveLength(1)
  })

  it('a response arriving after the last observer left is not applied', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let settled = 0
    const slow = async (_signal: AbortSignal): Promise<Order[]> => {
      await gate // the server answers late; the abort signal is deliberately ignored
      settled++
      return [{ id: 'late', name: 'stale' }]
    }
    const orders = createPollingStore(slow, { interval: 1000 })
    const off = orders.data.subscribe(() => undefined)
    expect(orders.loading.get()).toBe(true)
    off()
    expect(orders.loading.get()).toBe(false)
    release()
    await waitFor(() => settled === 1, 'the late answer')
    await Promise.resolve()
    expect(orders.data.get()).toBeNull()
    expect(orders.loading.get()).toBe(false)
  })

  it('a poll slower than the interval is not overlapped by the next tick', async () => {
    let release: () => void = () => undefined
    let started = 0
    const slow = (_signal: AbortSignal) => {
      started++
      return new Promise<number>((resolve) => {
        release = () => resolve(started)
      })
    }
    const store = createPollingStore(slow, { interval: INTERVAL })
    const off = store.data.subscribe(() => undefined)
    await intervalsPass(10)
    expect(started).toBe(1)
    release()
    await waitFor(() => store.data.get() === 1, 'the slow answer applied')
    await waitFor(() => started === 2, 'the next poll after it')
    off()
  })

  it('a slower older response never overwrites a newer one', async () => {
    const gates: Array<() => void> = []
    const answers = ['old', 'new']
    let calls = 0
    const fetcher = (_signal: AbortSignal) => {
      const answer = answers[calls++] ?? 'extra'
      return new Promise<string>((resolve) => gates.push(() => resolve(answer)))
    }
    const store = createPollingStore(fetcher, { interval: 1000 })
    const first = store.refresh()
    const second = store.refresh()
    gates[1]?.()
    await second
    gates[0]?.()
    await first
    expect(store.data.get()).toBe('new')
    expect(store.loading.get()).toBe(false)
  })
})
