// Seed 000 "Factory Pattern" with BaseStore: the Appwrite BaseStore becomes a Strata
// collection. `create/update/list(Query…)` keep their shape, but run locally and
// synchronously, validate with the schema, sync as events, and `live()` gives a
// reactive list. The ChatStore factory is the same few lines as in the seed.
// Length: 64 lines of pattern code vs the seed's 48 (000 §1 ChatStore) — longer because the
// seed imports its BaseStore and schema from elsewhere; here both are in the file, and BaseStore
// itself is written out (a dozen lines over `defineCollection`).
import { createStore, defineCollection, makeSchema, Query, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { z } from 'zod'

const ChatSchema = z.object({
  title: z.string().min(1),
  modelId: z.string(),
  context: z.string().optional(),
  status: z.enum(['active', 'archived']),
  lastMessageAt: z.string(),
  teamId: z.string(),
  userId: z.string(),
})
type Chat = z.infer<typeof ChatSchema>
export const chats = defineCollection({
  name: 'chat',
  schema: ChatSchema,
  indexes: ['status', 'lastMessageAt'],
})

/** Seed 000's BaseStore, as a thin generic class over a collection. */
class BaseStore<T extends Record<string, unknown>> {
  protected readonly col
  constructor(store: Store, def: ReturnType<typeof defineCollection<T>>) {
    this.col = store.collection(def)
  }
  create(data: T) {
    return this.col.create(data)
  }
  update(id: string, patch: Partial<T>) {
    return this.col.update(id, patch)
  }
  list(queries: Parameters<typeof this.col.list>[0] = []) {
    return this.col.list(queries)
  }
}

class ChatStore extends BaseStore<Chat> {
  createChat({ title, modelId, context, teamId, userId }: Omit<Chat, 'status' | 'lastMessageAt'>) {
    return this.create({
      title,
      modelId,
      ...(context ? { context } : {}),
      status: 'active',
      lastMessageAt: new Date().toISOString(),
      teamId,
      userId,
    })
  }
  getActiveChats() {
    return this.list([Query.equal('status', 'active'), Query.orderDesc('lastMessageAt')])
  }
  markAsArchived(chatId: string) {
    return this.update(chatId, { status: 'archived' })
  }
  activeChats$() {
    return this.col.live([Query.equal('status', 'active'), Query.orderDesc('lastMessageAt')])
  }
}

// Factory: instance plus bound methods (seed 000 §1).
export const createChatStore = (store: Store) => {
  const chatStore = new ChatStore(store, chats)
  return {
    store: chatStore,
    createChat: chatStore.createChat.bind(chatStore),
    getActiveChats: chatStore.getActiveChats.bind(chatStore),
    markAsArchived: chatStore.markAsArchived.bind(chatStore),
  }
}

export async function main(log: (...args: unknown[]) => void) {
  const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [chats] })
  const db = await createStore({ schema, adapter: memoryAdapter(), storeId: 'team-1' })
  const { store: chatStore, createChat, getActiveChats, markAsArchived } = createChatStore(db)
  const counts: number[] = []
  const off = chatStore.activeChats$().subscribe((list) => counts.push(list.length))
  const first = await createChat({ title: 'New Chat', modelId: 'gpt', teamId: 't1', userId: 'u1' })
  await createChat({ title: 'Second', modelId: 'gpt', teamId: 't1', userId: 'u1' })
  await markAsArchived(first.$id)
  const active = await getActiveChats()
  off()
  log(
    'active chats:',
    active.documents.map((c) => c.title),
    'live counts:',
    counts,
    'pending events:',
    db.sync.pending().length,
  )
  const out = {
    active: active.documents.map((c) => c.title),
    total: active.total,
    counts,
    pending: db.sync.pending().map((e) => e.name),
  }
  db.close()
  return out
}
