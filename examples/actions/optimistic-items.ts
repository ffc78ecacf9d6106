// Seed 002 "Optimistic Updates": add/update items at once, confirm with the server, roll back
// on failure, with a pending-operations store. Seed: 57 lines. Strata: 32 lines.
// Rollback removes only the failed operation (the seed restores the item "as it was", undoing
// any other change made meanwhile), and the pending store is maintained for you.
import { optimistic } from '@strata/actions'
import { signal } from '@strata/core'
import { http, startServer } from './_server.js'

export interface Item {
  id: string
  text: string
}

export function createItems(api: string) {
  const items = signal<Item[]>([])
  const opt = optimistic(items)
  let temp = 0
  return {
    items,
    pending: opt.pending,
    addItem: (text: string) => {
      const tempId = `temp-${++temp}`
      return opt.mutate({
        label: `add ${text}`,
        apply: (list) => [...list, { id: tempId, text }],
        request: () => http<Item>(`${api}/items`, { method: 'POST', body: { text } }),
        confirm: (list, saved) => list.map((i) => (i.id === tempId ? saved : i)),
      })
    },
    updateItem: (id: string, changes: Partial<Item>) =>
      opt.mutate({
        label: `update ${id}`,
        apply: (list) => list.map((i) => (i.id === id ? { ...i, ...changes } : i)),
        request: () => http<Item>(`${api}/items/${id}`, { method: 'PATCH', body: changes }),
        confirm: (list, saved) => list.map((i) => (i.id === id ? saved : i)),
      }),
  }
}

export function startItemServer() {
  let n = 0
  return startServer({
    'POST /items': async ({ body }) => {
      await new Promise((r) => setTimeout(r, 20))
      const { text } = body as Item
      return text === 'forbidden'
        ? { status: 422, body: { message: 'rejected by server' } }
        : { status: 201, body: { id: `s${++n}`, text } }
    },
    'PATCH /items/:id': ({ params, body }) => ({ body: { id: params.id, ...(body as Partial<Item>) } }),
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startItemServer()
  try {
    const store = createItems(server.url)
    const shown: string[][] = []
    store.items.subscribe((l) => shown.push(l.map((i) => i.text)))
    const a = store.addItem('milk')
    const b = store.addItem('forbidden')
    const pendingWhileInFlight = store.pending.get().map((p) => p.label)
    const [ra, rb] = await Promise.allSettled([a, b])
    await store.updateItem('s1', { text: 'oat milk' })
    log('items:', store.items.get(), 'pending:', store.pending.get(), 'rejected:', rb.status)
    return {
      items: store.items.get(),
      shown,
      pendingWhileInFlight,
      pendingAfter: store.pending.get(),
      ra,
      rb,
    }
  } finally {
    await server.close()
  }
}
