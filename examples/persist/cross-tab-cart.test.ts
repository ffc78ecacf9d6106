import { MemoryArea, memoryEngine } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createCart, main } from './cross-tab-cart.js'

describe('example: cross-tab cart', () => {
  it('two tabs share the cart; removal elsewhere is seen', () => {
    const area = new MemoryArea()
    const a = createCart(memoryEngine({ area }))
    const b = createCart(memoryEngine({ area }))
    a.addItem({ id: 'x', name: 'X', price: 5, quantity: 1 })
    b.addItem({ id: 'y', name: 'Y', price: 1, quantity: 3 })
    expect(a.total.get()).toBe(8)
    a.removeItem('x')
    expect(b.items.get().map((i) => i.id)).toEqual(['y'])
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...a) => lines.push(a))
    expect(lines).toEqual([
      ['tab A sees', 1, 'line, total', 36],
      ['after clear in another tab:', []],
    ])
  })
})
