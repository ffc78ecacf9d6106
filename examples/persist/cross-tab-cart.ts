/**
 * Seed 002 "Cross-Tab Synchronization": a shopping cart shared by every tab of the
 * origin. `persistent` on localStorage already follows other tabs (storage events,
 * removals, `clear()`, back/forward cache) and never echoes its own writes; the seed's
 * listener bookkeeping is gone. In Node two engines on one `MemoryArea` play two tabs.
 */
import { computed } from '@strata/core'
import { localStorageEngine, persistent, type StorageEngine } from '@strata/persist'
import { z } from 'zod'

const cartSchema = z.array(
  z.object({ id: z.string(), name: z.string(), price: z.number(), quantity: z.number() }),
)
export type CartItem = z.infer<typeof cartSchema>[number]

/** The cart of the seed, with a derived total. */
export function createCart(engine: StorageEngine = localStorageEngine()) {
  const items = persistent<CartItem[]>([], 'cart', { engine, schema: cartSchema })
  const total = computed(() => items.get().reduce((sum, i) => sum + i.price * i.quantity, 0))
  return {
    items,
    total,
    addItem(item: CartItem) {
      const existing = items.get().find((i) => i.id === item.id)
      items.set(
        existing
          ? items.get().map((i) => (i.id === item.id ? { ...i, quantity: i.quantity + item.quantity } : i))
          : [...items.get(), item],
      )
    },
    removeItem: (id: string) => items.set(items.get().filter((i) => i.id !== id)),
  }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { MemoryArea, memoryEngine } = await import('@strata/persist')
  const origin = new MemoryArea()
  const tabA = createCart(memoryEngine({ area: origin }))
  const tabB = createCart(memoryEngine({ area: origin }))
  tabA.addItem({ id: 'book', name: 'Book', price: 12, quantity: 1 })
  tabB.addItem({ id: 'book', name: 'Book', price: 12, quantity: 2 })
  log('tab A sees', tabA.items.get().length, 'line, total', tabA.total.get())
  origin.clear() // e.g. another tab cleared site data
  log('after clear in another tab:', tabB.items.get())
}
