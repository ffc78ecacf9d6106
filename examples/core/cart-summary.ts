// Computed-derived values (seed 001, "Computed Store Integration": `createComputedStore`
// over cart, inventory and user with an explicit dependency list, 30 lines). A Strata
// `computed` finds its dependencies itself, recomputes lazily and only once per change,
// 24 lines.
import { computed, signal } from '@strata/core'

export interface CartItem {
  productId: string
  price: number
  quantity: number
}

export const cart = signal<{ items: CartItem[] }>({ items: [] })
export const inventory = signal<Record<string, { stock: number }>>({})
export const user = signal<{ membershipLevel: 'basic' | 'gold'; taxRate: number }>({
  membershipLevel: 'basic',
  taxRate: 0.1,
})

export const cartSummary = computed(() => {
  const { items } = cart.get()
  const stock = inventory.get()
  const { membershipLevel, taxRate } = user.get()
  const valid = items.filter((i) => (stock[i.productId]?.stock ?? 0) >= i.quantity)
  const subtotal = valid.reduce((sum, i) => sum + i.price * i.quantity, 0)
  const discount = membershipLevel === 'gold' ? subtotal * 0.1 : 0
  const tax = Math.round((subtotal - discount) * taxRate * 100) / 100
  return {
    itemCount: valid.length,
    invalidItemCount: items.length - valid.length,
    subtotal,
    discount,
    tax,
    total: subtotal - discount + tax,
    hasInvalidItems: valid.length < items.length,
  }
})

export async function main(log: (...args: unknown[]) => void) {
  inventory.set({ p1: { stock: 5 }, p2: { stock: 0 } })
  cart.set({
    items: [
      { productId: 'p1', price: 100, quantity: 2 },
      { productId: 'p2', price: 50, quantity: 1 },
    ],
  })
  const before = cartSummary.get()
  log('basic:', before)
  user.set({ membershipLevel: 'gold', taxRate: 0.1 })
  const after = cartSummary.get()
  log('gold:', after)
  return { before, after }
}
