// Seed 002 "Async Store": a products store with loading/error state and server CRUD.
// Seed: 64 lines. Strata: 50 lines. The four methods share one `run` wrapper for
// loading/error (the seed repeats try/catch four times, and only `fetchProducts` sets loading);
// requests go to a real HTTP server.
import { batch, signal } from '@strata/core'
import { http, startServer } from './_server.js'

export interface Product {
  id: string
  name: string
  price: number
}

export function createProductsStore(api: string) {
  const products = signal<Product[]>([])
  const loading = signal(false)
  const error = signal<string | null>(null)
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    batch(() => {
      loading.set(true)
      error.set(null)
    })
    try {
      return await fn()
    } catch (e) {
      error.set(e instanceof Error ? e.message : String(e))
      throw e
    } finally {
      loading.set(false)
    }
  }
  const url = (id = '') => `${api}/products${id && `/${id}`}`
  return {
    products,
    loading,
    error,
    fetchProducts: () => run(async () => products.set(await http<Product[]>(url()))),
    createProduct: (p: Omit<Product, 'id'>) =>
      run(async () => {
        const created = await http<Product>(url(), { method: 'POST', body: p })
        products.update((l) => [...l, created])
        return created
      }),
    updateProduct: (id: string, changes: Partial<Product>) =>
      run(async () => {
        const updated = await http<Product>(url(id), { method: 'PATCH', body: changes })
        products.update((l) => l.map((p) => (p.id === id ? updated : p)))
        return updated
      }),
    deleteProduct: (id: string) =>
      run(async () => {
        await http(url(id), { method: 'DELETE' })
        products.update((l) => l.filter((p) => p.id !== id))
      }),
  }
}

export function startProductServer() {
  const rows = new Map<string, Product>([['p1', { id: 'p1', name: 'Keyboard', price: 100 }]])
  let n = 1
  return startServer({
    'GET /products': () => ({ body: [...rows.values()] }),
    'POST /products': ({ body }) => {
      const p = { id: `p${++n}`, ...(body as Omit<Product, 'id'>) }
      rows.set(p.id, p)
      return { status: 201, body: p }
    },
    'PATCH /products/:id': ({ params, body }) => {
      const p = rows.get(params.id ?? '')
      if (!p) return { status: 404, body: { message: `product ${params.id} not found` } }
      rows.set(p.id, { ...p, ...(body as Partial<Product>) })
      return { body: rows.get(p.id) }
    },
    'DELETE /products/:id': ({ params }) =>
      rows.delete(params.id ?? '') ? { status: 204 } : { status: 404, body: { message: 'not found' } },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startProductServer()
  try {
    const store = createProductsStore(server.url)
    const loadingSeen: boolean[] = []
    store.loading.listen((v) => loadingSeen.push(v))
    await store.fetchProducts()
    await store.createProduct({ name: 'Mouse', price: 40 })
    await store.updateProduct('p1', { price: 90 })
    await store.deleteProduct('p2')
    const failed = await store.updateProduct('nope', { price: 1 }).catch((e: unknown) => e)
    log('products:', store.products.get(), 'error:', store.error.get())
    return { products: store.products.get(), error: store.error.get(), failed, loadingSeen }
  } finally {
    await server.close()
  }
}
