// Seed 001 "Cross-Store Read Operations": addToCart reads cart, inventory and user to decide.
// Seed: 56 lines (three stores + handler). Strata: 14 lines (stores live in _shop.ts, shared
// with the other cart examples). Reads are fresh at execution time (`peek`), each refusal is an
// abort with its reason, and the write is one `update`.
import { createShop, type Shop } from './_shop.js'

export function registerAddToCart({ actions, cart, inventory, user }: Shop) {
  return actions.register('addToCart', ({ productId, quantity }, controller) => {
    const product = inventory.peek()[productId]
    if (!product) return controller.abort('Product not found')
    if (product.stock < quantity) return controller.abort(`Only ${product.stock} items available`)
    if (!user.peek().id) return controller.abort('User must be logged in')
    cart.update(({ items }) => ({
      items: items.some((i) => i.productId === productId)
        ? items.map((i) => (i.productId === productId ? { ...i, quantity: i.quantity + quantity } : i))
        : [...items, { id: `line-${items.length + 1}`, productId, quantity, price: product.price }],
    }))
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const shop = createShop()
  registerAddToCart(shop)
  await shop.actions.dispatch('addToCart', { productId: 'p1', quantity: 2 })
  await shop.actions.dispatch('addToCart', { productId: 'p1', quantity: 1 })
  const tooMany = await shop.actions.dispatchWithResult('addToCart', { productId: 'p2', quantity: 10 })
  const missing = await shop.actions.dispatchWithResult('addToCart', { productId: 'nope', quantity: 1 })
  shop.user.set({ ...shop.user.peek(), id: '' })
  const loggedOut = await shop.actions.dispatchWithResult('addToCart', { productId: 'p2', quantity: 1 })
  log(
    'cart:',
    shop.cart.get().items,
    'refusals:',
    [tooMany, missing, loggedOut].map((r) => r.abortReason),
  )
  return { items: shop.cart.get().items, reasons: [tooMany, missing, loggedOut].map((r) => r.abortReason) }
}
