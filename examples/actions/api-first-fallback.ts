// Seed 000 §4 "API Integration Pattern": try the API endpoint first, fall back to the database.
// Seed: 41 lines. Strata: 24 lines. The fallback is not silent: the API failure is kept in a
// store the UI can show (the seed only `console.warn`s it), and both paths hit a real server.
import { signal } from '@strata/core'
import { http, startServer } from './_server.js'

export interface Chat {
  id: string
  title: string
  via: 'api' | 'db'
}

export function createChatService(api: string) {
  const chats = signal<Chat[]>([])
  const lastFallback = signal<{ reason: string } | null>(null)
  async function createChat(input: { title: string; teamId: string }): Promise<Chat> {
    let chat: Chat
    try {
      chat = (await http<{ data: Chat }>(`${api}/api/chat/create`, { method: 'POST', body: input })).data
      lastFallback.set(null)
    } catch (error) {
      lastFallback.set({ reason: error instanceof Error ? error.message : String(error) })
      chat = await http<Chat>(`${api}/db/chats`, { method: 'POST', body: { ...input, status: 'active' } })
    }
    chats.update((list) => [...list, chat])
    return chat
  }
  return { chats, lastFallback, createChat }
}

/** The API refuses while `apiDown` is true; the database endpoint always works. */
export function startChatBackend(state: { apiDown: boolean }) {
  let n = 0
  return startServer({
    'POST /api/chat/create': ({ body }) =>
      state.apiDown
        ? { status: 503, body: { message: 'chat API unavailable' } }
        : { body: { data: { id: `c${++n}`, title: (body as Chat).title, via: 'api' } } },
    'POST /db/chats': ({ body }) => ({
      status: 201,
      body: { id: `c${++n}`, title: (body as Chat).title, via: 'db' },
    }),
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const state = { apiDown: false }
  const server = await startChatBackend(state)
  try {
    const svc = createChatService(server.url)
    await svc.createChat({ title: 'via API', teamId: 't1' })
    state.apiDown = true
    await svc.createChat({ title: 'via fallback', teamId: 't1' })
    log('chats:', svc.chats.get(), 'fallback because:', svc.lastFallback.get()?.reason)
    return {
      chats: svc.chats.get(),
      fallback: svc.lastFallback.get(),
      paths: server.requests.map((r) => r.path),
    }
  } finally {
    await server.close()
  }
}
