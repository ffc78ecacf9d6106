import { describe, expect, it } from 'vitest'
import { createOrders, main, startOrderServer } from './compensation.js'

describe('compensation actions (seed 001)', () => {
  it('undoes server effects in reverse order when a later step fails; the order never appears', async () => {
    const out = await main(() => undefined)
    expect(out.failed.abortReason).toBe('Order processing failed: mailer down')
    expect(out.calls).toEqual([
      'POST /reservations',
      'POST /payments',
      'POST /orders',
      'POST /confirmations',
      'POST /refunds',
      'DELETE /reservations/r1',
    ])
    expect(out.ok.success).toBe(true)
    expect(out.order).toEqual({ id: 'o1', items: [{ productId: 'p1', quantity: 1 }] })
  })

  it('a failing compensation is reported, and the remaining ones still run', async () => {
    const server = await startOrderServer({ confirmFails: true, refundFails: true })
    try {
      const o = createOrders(server.url)
      const r = await o.actions.dispatchWithResult('processOrder', { items: [], card: '1' })
      expect(r.abortReason).toBe('Order processing failed: mailer down')
      expect(o.failures.peek().map((e) => (e as Error).message)).toEqual(['refund gateway down'])
      expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/reservations/r1' })
      expect(o.orderStore.peek()).toBeNull()
    } finally {
      await server.close()
    }
  })
})
