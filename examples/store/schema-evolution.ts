// Seed 003 "Schema Evolution": v1 and v2 of MemoryEntityUpdated live side by side. Old
// logs keep replaying v1; new code commits v2 with optional fields. Unlike the seed, the
// materializers take `updatedAt` from the payload instead of calling Date.now().
import { createStore } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'evolution' })
  const t = 1_700_000_000_000
  store.commit(
    events.personaCreated({ id: 'p1', createdAt: t, ...samplePersona('Sage') }),
    events.memoryEntityCreated({
      id: 'm1',
      personaId: 'p1',
      type: 'concept',
      name: 'Rust',
      content: {},
      summary: '',
      tags: [],
      importance: 40,
      createdAt: t,
    }),
    events.memoryEntityCreated({
      id: 'm2',
      personaId: 'p1',
      type: 'concept',
      name: 'Go',
      content: {},
      summary: '',
      tags: [],
      importance: 40,
      createdAt: t,
    }),
  )
  // An old client (or an old log) still produces v1…
  store.commit(events.memoryEntityUpdated({ id: 'm1', updates: { importance: 70 }, updatedAt: t + 1 }))
  // …new code commits v2 with the new optional fields.
  store.commit(
    events.memoryEntityUpdatedV2({
      id: 'm2',
      updates: { memoryTier: 'hot' },
      updatedAt: t + 2,
      metadata: { source: 'chat' },
    }),
  )
  const rows = store.query(
    tables.memoryEntities.select('id', 'importance', 'memoryTier', 'version', 'metadata').orderBy('id'),
  )
  log('after v1 and v2 updates:', rows)
  // Replaying the whole log (both versions) gives the same state.
  store.rebuild()
  const rebuilt = store.query(
    tables.memoryEntities.select('id', 'importance', 'memoryTier', 'version', 'metadata').orderBy('id'),
  )
  store.close()
  return { rows, rebuilt }
}
