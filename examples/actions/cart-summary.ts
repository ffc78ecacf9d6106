// Seed 001 "Computed Store Integration": a cart summary derived from cart, inventory and user,
// and an action that reads it to validate before checkout.
// Seed: 37 lines. Strata: 28 lines. The summary is a lazy `computed` that recomputes only
// when one of the three stores changed; the action returns a typed result.
import { computed } from '@strata/core'
import { createShop, type Shop } from './_shop.js'

export function createCartSummary({ cart, inventory, user }: Shop) {
  return computed(() => {
    const stock = inventory.get()
    const items = cart.get().items
    const valid = items.filter((i) => (stock[i.productId]?.stock ?? 0) >= i.quantity)
    const subtotal = valid.reduce((sum, i) => sum + i.price * i.quantity, 0)
    const discount = user.get().membershipLevel === 'gold' ? subtotal * 0.1 : 0
    const tax = (subtotal - discount) * user.get().taxRate
    return {
      itemCount: valid.length,
      invalidItemCount: items.length - valid.length,
      subtotal,
      discount,
      tax,
      total: subtotal - discount + tax,
    }
  })
}

export function registerValidateCart(shop: Shop, summary: ReturnType<typeof createCartSummary>) {
  return shop.actions.register('validateCartBeforeCheckout', (_payload, controller) => {
    const s = summary.get()
    if (s.invalidItemCount > 0) return controller.abort(`${s.invalidItemCount} items are no longer available`)
    if (s.total <= 0) return controller.abort('Cart total must be greater than zero')
    return { valid: true as const, total: s.total }
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const shop = createShop()
  const summary = createCartSummary(shop)
  registerValidateCart(shop, summary)
  const totals: number[] = []
  summary.subscribe((s) => totals.push(s.total))
  const empty = await shop.actions.dispatchWithResult('validateCartBeforeCheckout')
  shop.cart.set({ items: [{ id: 'l1', productId: 'p1', quantity: 1, price: 100 }] })
  const ok = await shop.actions.dispatchWithResult('validateCartBeforeCheckout')
  shop.inventory.update((inv) => ({
    ...inv,
    p1: { ...(inv.p1 ?? { id: 'p1', name: '', price: 0 }), stock: 0 },
  }))
  const soldOut = await shop.actions.dispatchWithResult('validateCartBeforeCheckout')
  log('totals seen:', totals, 'results:', [empty.abortReason, ok.result, soldOut.abortReason])
  return { totals, empty, ok, soldOut, summary: summary.get() }
}
