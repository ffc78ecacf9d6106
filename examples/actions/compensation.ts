// Seed 001 "Compensation Actions": processOrder reserves stock, charges, creates the order and
// confirms; if a later step fails, earlier server effects are undone in reverse order.
// Seed: 26 lines. Strata: 38 lines — slightly longer because the seed calls five undefined
// functions; here each is a real HTTP call. What it gains: compensation failures are reported
// (`CompensationError`, the seed only `console.error`s them) and the order store is written
// transactionally, so a failed order never appears.
import { CompensationError, createActions, transaction } from '@strata/actions'
import { signal } from '@strata/core'
import { http, startServer } from './_server.js'

interface OrderPayload {
  items: { productId: string; quantity: number }[]
  card: string
}
interface Order {
  id: string
  items: OrderPayload['items']
}

export function createOrders(api: string) {
  const orderStore = signal<Order | null>(null)
  const failures = signal<readonly unknown[]>([])
  const actions = createActions<{ processOrder: OrderPayload }>()
  const post = <T>(path: string, body: unknown, signal: AbortSignal) =>
    http<T>(`${api}${path}`, { method: 'POST', body, signal })

  actions.register('processOrder', async (payload, c) => {
    try {
      await transaction(async (tx) => {
        const reservation = await post<{ id: string }>('/reservations', payload.items, tx.signal)
        tx.onRollback(() => http(`${api}/reservations/${reservation.id}`, { method: 'DELETE' }))
        const payment = await post<{ transactionId: string }>('/payments', { card: payload.card }, tx.signal)
        tx.onRollback(() =>
          post('/refunds', { transactionId: payment.transactionId }, new AbortController().signal),
        )
        const order = await post<Order>('/orders', payload, tx.signal)
        await tx.set(orderStore, order)
        await post('/confirmations', { orderId: order.id }, tx.signal)
      })
    } catch (error) {
      if (error instanceof CompensationError) failures.set(error.errors)
      const cause = error instanceof CompensationError ? error.cause : error
      c.abort(`Order processing failed: ${(cause as Error).message}`)
    }
  })
  return { orderStore, failures, actions }
}

export function startOrderServer(state: { confirmFails: boolean; refundFails: boolean }) {
  return startServer({
    'POST /reservations': () => ({ status: 201, body: { id: 'r1' } }),
    'DELETE /reservations/:id': () => ({ status: 204 }),
    'POST /payments': () => ({ status: 201, body: { transactionId: 'pay1' } }),
    'POST /refunds': () =>
      state.refundFails ? { status: 502, body: { message: 'refund gateway down' } } : { status: 201 },
    'POST /orders': ({ body }) => ({ status: 201, body: { id: 'o1', items: (body as OrderPayload).items } }),
    'POST /confirmations': () =>
      state.confirmFails
        ? { status: 500, body: { message: 'mailer down' } }
        : { status: 201, body: { sent: true } },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const state = { confirmFails: true, refundFails: false }
  const server = await startOrderServer(state)
  try {
    const o = createOrders(server.url)
    const order = { items: [{ productId: 'p1', quantity: 1 }], card: '4242' }
    const failed = await o.actions.dispatchWithResult('processOrder', order)
    const calls = server.requests.map((r) => `${r.method} ${r.path}`)
    state.confirmFails = false
    const ok = await o.actions.dispatchWithResult('processOrder', order)
    log('failed:', failed.abortReason, '| server calls:', calls, '| then:', o.orderStore.get())
    return { failed, calls, ok, order: o.orderStore.get() }
  } finally {
    await server.close()
  }
}
