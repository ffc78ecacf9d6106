/**
 * Seed 002 "IndexedDB for Large Data": an offline-first product cache. The cached list
 * shows at once (from IndexedDB), `isStale` is derived from the fetch time, fresh data
 * replaces it when the network answers, and a failed fetch keeps the cache. The hand-
 * written IDB wrapper class of the seed is the `indexedDBEngine`.
 */
import { computed, signal } from '@strata/core'
import { indexedDBEngine, persistent, type StorageEngine } from '@strata/persist'

export interface Product {
  id: string
  name: string
  price: number
}

export interface ProductCacheOptions {
  engine?: StorageEngine
  fetchProducts: () => Promise<Product[]>
  now?: () => number
  maxAgeMs?: number
}

/** The product cache of the seed. */
export function createProductCache(options: ProductCacheOptions) {
  const now = options.now ?? (() => Date.now())
  const maxAge = options.maxAgeMs ?? 5 * 60 * 1000
  const cache = persistent({ products: [] as Product[], lastFetch: 0 }, 'products', {
    engine: options.engine ?? indexedDBEngine({ database: 'shop' }),
  })
  const clock = signal(now())
  const loading = signal(false)
  const error = signal<unknown>(null)
  const products = computed(() => cache.get().products)
  const isStale = computed(() => cache.get().lastFetch === 0 || clock.get() - cache.get().lastFetch > maxAge)

  async function loadProducts(): Promise<void> {
    loading.set(true)
    await cache.ready // cached list first
    clock.set(now())
    try {
      const fresh = await options.fetchProducts()
      cache.set({ products: fresh, lastFetch: now() })
      await cache.flush()
      error.set(null)
    } catch (e) {
      error.set(e) // keep showing the cached list
    } finally {
      clock.set(now())
      loading.set(false)
    }
  }
  return { products, loading, isStale, error, loadProducts, cache }
}

export async function main(log: (...args: unknown[]) => void): Promise<void> {
  const { IDBFactory } = await import('fake-indexeddb')
  const factory = new IDBFactory() // a real browser passes nothing: globalThis.indexedDB
  let t = 1_000_000
  const catalog: Product[] = [{ id: 'p1', name: 'Lamp', price: 30 }]
  const session1 = createProductCache({
    engine: indexedDBEngine({ factory, database: 'shop' }),
    fetchProducts: async () => catalog,
    now: () => t,
  })
  await session1.loadProducts()
  log('fetched:', session1.products.get().length, 'stale:', session1.isStale.get())
  t += 10 * 60 * 1000
  const offline = createProductCache({
    engine: indexedDBEngine({ factory, database: 'shop' }),
    fetchProducts: async () => Promise.reject(new Error('offline')),
    now: () => t,
  })
  await offline.loadProducts()
  log('offline later: cached', offline.products.get().length, 'stale:', offline.isStale.get())
}
