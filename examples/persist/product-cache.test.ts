import { IDBFactory } from 'fake-indexeddb'
import { indexedDBEngine } from '@strata/persist'
import { describe, expect, it } from 'vitest'
import { createProductCache, main, type Product } from './product-cache.js'

const lamp: Product = { id: 'p1', name: 'Lamp', price: 30 }

describe('example: IndexedDB product cache with staleness (fake-indexeddb)', () => {
  it('loads the cache first, refreshes, keeps cache when offline, and marks it stale', async () => {
    const factory = new IDBFactory()
    let t = 1000
    const first = createProductCache({
      engine: indexedDBEngine({ factory, database: 'shop' }),
      fetchProducts: async () => [lamp],
      now: () => t,
      maxAgeMs: 100,
    })
    expect(first.isStale.get()).toBe(true)
    await first.loadProducts()
    expect(first.products.get()).toEqual([lamp])
    expect(first.isStale.get()).toBe(false)

    t = 1500
    const second = createProductCache({
      engine: indexedDBEngine({ factory, database: 'shop' }),
      fetchProducts: () => Promise.reject(new Error('offline')),
      now: () => t,
      maxAgeMs: 100,
    })
    await second.cache.ready
    expect(second.products.get()).toEqual([lamp])
    await second.loadProducts()
    expect(second.products.get()).toEqual([lamp])
    expect(second.isStale.get()).toBe(true)
    expect((second.error.get() as Error).message).toBe('offline')
    expect(second.loading.get()).toBe(false)
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...a) => lines.push(a))
    expect(lines).toEqual([
      ['fetched:', 1, 'stale:', false],
      ['offline later: cached', 1, 'stale:', true],
    ])
  })
})
