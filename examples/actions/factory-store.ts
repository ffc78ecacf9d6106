// Seed 000 §1 "Factory Pattern": a chat store whose methods can be imported one by one.
// Seed: 42 lines (class extending BaseStore + factory binding each method + destructured export).
// Strata: 36 lines. Methods are closures over the store, so destructuring needs no `bind`,
// and the derived list of active chats is a `computed` instead of a query method.
import { computed, signal } from '@strata/core'
import { http, startServer, type TestServer } from './_server.js'

export interface Chat {
  id: string
  title: string
  status: 'active' | 'archived'
  lastMessageAt: string
}

export function createChatStore(api: string) {
  const chats = signal<Chat[]>([])
  const active = computed(() =>
    chats
      .get()
      .filter((c) => c.status === 'active')
      .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt)),
  )
  const replace = (chat: Chat) => chats.update((list) => list.map((c) => (c.id === chat.id ? chat : c)))
  return {
    chats,
    active,
    async createChat(title: string) {
      const chat = await http<Chat>(`${api}/chats`, { method: 'POST', body: { title } })
      chats.update((list) => [...list, chat])
      return chat
    },
    async getActiveChats() {
      chats.set(await http<Chat[]>(`${api}/chats`))
      return active.get()
    },
    async markAsArchived(id: string) {
      const chat = await http<Chat>(`${api}/chats/${id}`, { method: 'PATCH', body: { status: 'archived' } })
      replace(chat)
      return chat
    },
  }
}

/** The backend the seed reached through Appwrite: a real HTTP server with an in-memory table. */
export function startChatBackend(): Promise<TestServer> {
  const rows: Chat[] = []
  let clock = 0
  return startServer({
    'POST /chats': ({ body }) => {
      const chat: Chat = {
        id: `c${rows.length + 1}`,
        title: (body as { title: string }).title,
        status: 'active',
        lastMessageAt: new Date(Date.UTC(2026, 0, 1, 0, 0, ++clock)).toISOString(),
      }
      rows.push(chat)
      return { status: 201, body: chat }
    },
    'GET /chats': () => ({ body: rows }),
    'PATCH /chats/:id': ({ params, body }) => {
      const i = rows.findIndex((r) => r.id === params.id)
      if (i < 0) return { status: 404, body: { message: 'not found' } }
      rows[i] = { ...(rows[i] as Chat), ...(body as Partial<Chat>) }
      return { body: rows[i] }
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startChatBackend()
  try {
    // The seed's point: import the methods alone. Destructuring works without bind.
    const { createChat, getActiveChats, markAsArchived, active } = createChatStore(server.url)
    const first = await createChat('Roadmap')
    await createChat('Standup')
    await markAsArchived(first.id)
    const fresh = await getActiveChats()
    log(
      'active chats:',
      fresh.map((c) => c.title),
    )
    return {
      active: active.get().map((c) => c.title),
      requests: server.requests.map((r) => `${r.method} ${r.path}`),
    }
  } finally {
    await server.close()
  }
}
