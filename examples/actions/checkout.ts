// Seed 001 "Coordinated Store Updates": processCheckout writes order, cart and inventory, pays
// on the server, and must undo everything if payment fails.
// Seed: 75 lines, of which 25 are the hand-written rollback (which re-adds stock by arithmetic
// and would double-count if anything else touched inventory meanwhile). Strata: 45 lines.
// The three writes are one `transaction`: observers see nothing until payment succeeded and the
// whole result at once; on failure nothing was ever applied, so there is nothing to undo.
import { transaction } from '@strata/actions'
import { createShop, type Order, type Shop } from './_shop.js'
import { http, startServer } from './_server.js'

export function registerCheckout({ actions, cart, inventory, user, order }: Shop, api: string) {
  return actions.register('processCheckout', async ({ paymentMethod }, controller) => {
    const { items } = cart.peek()
    if (items.length === 0) return controller.abort('Cart is empty')
    const stock = inventory.peek()
    if (items.some((i) => (stock[i.productId]?.stock ?? 0) < i.quantity))
      return controller.abort('Some items are no longer available')
    const total = items.reduce((sum, i) => sum + i.price * i.quantity, 0) * (1 + user.peek().taxRate)
    try {
      await transaction(
        async (tx) => {
          const placed: Order = {
            id: `o-${items.length}-${total}`,
            userId: user.peek().id,
            items,
            total,
            status: 'processing',
          }
          await tx.set(order, placed)
          await tx.set(cart, { items: [] })
          await tx.update(inventory, (inv) => {
            const next = { ...inv }
            for (const { productId, quantity } of items) {
              const p = next[productId]
              if (p) next[productId] = { ...p, stock: p.stock - quantity }
            }
            return next
          })
          await http(`${api}/payments`, {
            method: 'POST',
            body: { orderId: placed.id, amount: total, paymentMethod },
            signal: tx.signal,
          })
          await tx.update(order, (o) => o && { ...o, status: 'confirmed' as const })
        },
        { signal: controller.signal },
      )
    } catch (error) {
      controller.abort(`Payment processing failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  })
}

export function startPaymentServer() {
  return startServer({
    'POST /payments': ({ body }) =>
      (body as { paymentMethod: string }).paymentMethod === 'declined-card'
        ? { status: 402, body: { message: 'card declined' } }
        : { status: 201, body: { ok: true } },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startPaymentServer()
  try {
    const shop = createShop()
    registerCheckout(shop, server.url)
    const seen: string[] = []
    shop.cart.listen(() => seen.push('cart'))
    shop.inventory.listen(() => seen.push('inventory'))
    shop.order.listen((o) => seen.push(`order:${o?.status}`))
    shop.cart.set({ items: [{ id: 'l1', productId: 'p1', quantity: 2, price: 100 }] })
    seen.length = 0
    const declined = await shop.actions.dispatchWithResult('processCheckout', {
      paymentMethod: 'declined-card',
    })
    const seenOnFailure = [...seen]
    const paid = await shop.actions.dispatchWithResult('processCheckout', { paymentMethod: 'card' })
    log(
      'declined:',
      declined.abortReason,
      '| then paid:',
      shop.order.get()?.status,
      'stock',
      shop.inventory.get().p1?.stock,
    )
    return {
      declined,
      seenOnFailure,
      paid,
      seen,
      order: shop.order.get(),
      cart: shop.cart.get(),
      stock: shop.inventory.get().p1?.stock,
    }
  } finally {
    await server.close()
  }
}
