// Seed 003 "Batch Operations": a persona, its initial memories and its activation are
// ONE commit — one transaction, all or nothing, one notification. The seed awaited
// N+2 separate commits; here a bad memory in the batch leaves nothing half-created.
// Length: 32 lines vs the seed's 31 — the same code, but one atomic commit instead of N+2.
import { createStore, EventValidationError, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, type PersonaInput, samplePersona, schema, tables } from './_personas.js'

interface MemoryInput {
  readonly type: string
  readonly name: string
  readonly summary: string
  readonly importance: number
}

export function createPersonaWithInitialMemories(
  store: Store<typeof schema>,
  persona: PersonaInput,
  memories: readonly MemoryInput[],
) {
  const personaId = crypto.randomUUID()
  const createdAt = Date.now()
  store.commit(
    events.personaCreated({ id: personaId, createdAt, ...persona }),
    ...memories.map((m) =>
      events.memoryEntityCreated({
        id: crypto.randomUUID(),
        personaId,
        content: {},
        tags: [],
        createdAt,
        ...m,
      }),
    ),
    events.personaActivated({ id: personaId }),
  )
  return personaId
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'batch' })
  let notifications = 0
  const off = store.queryDb(tables.memoryEntities.count()).listen(() => notifications++)
  const id = createPersonaWithInitialMemories(store, samplePersona('Sage'), [
    { type: 'fact', name: 'Likes tea', summary: '', importance: 60 },
    { type: 'fact', name: 'Works nights', summary: '', importance: 40 },
  ])
  let error = ''
  try {
    createPersonaWithInitialMemories(store, samplePersona('Broken'), [
      { type: 'fact', name: '', summary: '', importance: 500 },
    ])
  } catch (e) {
    if (e instanceof EventValidationError) error = `${e.eventName} ${e.field}`
  }
  off()
  const personas = store.query(tables.personas.select('name', 'isActive'))
  const memories = store.query(tables.memoryEntities.where({ personaId: id }).count())
  log('personas:', personas, 'memories:', memories, 'notifications:', notifications, 'refused:', error)
  store.close()
  return { personas, memories, notifications, error }
}
