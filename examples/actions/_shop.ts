// Shared shop state for the seed 001 cart examples (add-to-cart, checkout, cart-summary):
// the stores the seed declares once at the top of its guide, and the action map typing
// every action those examples register. Files starting with `_` are not run as examples.
import { createActions } from '@strata/actions'
import { signal } from '@strata/core'

export interface CartItem {
  id: string
  productId: string
  quantity: number
  price: number
}
export interface Product {
  id: string
  name: string
  stock: number
  price: number
}
export interface User {
  id: string
  name: string
  membershipLevel: 'basic' | 'gold'
  taxRate: number
}
export interface Order {
  id: string
  userId: string
  items: CartItem[]
  total: number
  status: 'processing' | 'confirmed'
}

export interface ShopActions {
  addToCart: { productId: string; quantity: number }
  processCheckout: { paymentMethod: string }
  validateCartBeforeCheckout: undefined
}

export function createShop() {
  return {
    cart: signal<{ items: CartItem[] }>({ items: [] }),
    inventory: signal<Record<string, Product>>({
      p1: { id: 'p1', name: 'Keyboard', stock: 10, price: 100 },
      p2: { id: 'p2', name: 'Mouse', stock: 5, price: 40 },
    }),
    user: signal<User>({ id: 'u1', name: 'Ada', membershipLevel: 'gold', taxRate: 0.2 }),
    order: signal<Order | null>(null),
    actions: createActions<ShopActions, { validateCartBeforeCheckout: { valid: true; total: number } }>(),
  }
}
export type Shop = ReturnType<typeof createShop>
