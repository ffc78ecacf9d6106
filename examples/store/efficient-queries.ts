// Seed 003 "Efficient Query Structure" + "Query Dependency Management": specific,
// indexed, limited live queries. `deps` is accepted but not needed — live queries are
// keyed by their compiled SQL and parameters, so the seed's "missing filters dependency"
// bug cannot happen: different filters are different queries.
import { createStore, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

const { memoryEntities } = tables

export const activePersonaMemories$ = (store: Store<typeof schema>, personaId: string) =>
  store.queryDb(
    memoryEntities
      .where({ personaId, deletedAt: null, memoryTier: 'hot' })
      .orderBy('lastAccessed', 'desc')
      .limit(50),
    { label: 'activePersonaMemories$', deps: [personaId] },
  )

export interface MemoryFilters {
  readonly type: string | 'all'
  readonly minImportance: number
}

export const filteredMemories$ = (store: Store<typeof schema>, personaId: string, filters: MemoryFilters) =>
  store.queryDb(
    () => {
      let query = memoryEntities.where({ personaId, deletedAt: null })
      if (filters.type !== 'all') query = query.where({ type: filters.type })
      if (filters.minImportance > 0) query = query.where('importance', '>=', filters.minImportance)
      return query.orderBy('importance', 'desc').limit(100)
    },
    { label: 'filteredMemories$', deps: [personaId, filters] },
  )

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'queries' })
  const t = 1_700_000_000_000
  store.commit(events.personaCreated({ id: 'p1', createdAt: t, ...samplePersona('Sage') }))
  store.commit(
    ...Array.from({ length: 20 }, (_, i) =>
      events.memoryEntityCreated({
        id: `m${i}`,
        personaId: 'p1',
        type: i % 2 ? 'fact' : 'concept',
        name: `Memory ${i}`,
        content: {},
        summary: '',
        tags: [],
        importance: i * 5,
        createdAt: t + i,
      }),
    ),
  )
  store.commit(events.memoryEntityUpdatedV2({ id: 'm3', updates: { memoryTier: 'hot' }, updatedAt: t + 100 }))
  const hot = activePersonaMemories$(store, 'p1').get()
  const important = filteredMemories$(store, 'p1', { type: 'fact', minImportance: 80 }).get()
  const concepts = filteredMemories$(store, 'p1', { type: 'concept', minImportance: 80 }).get()
  log(
    'hot:',
    hot.map((m) => m.id),
    'important facts:',
    important.map((m) => m.id),
    'important concepts:',
    concepts.map((m) => m.id),
  )
  const compiled = memoryEntities
    .where({ personaId: 'p1', deletedAt: null, memoryTier: 'hot' })
    .orderBy('lastAccessed', 'desc')
    .limit(50)
    .compile()
  const plan = store.driver.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`).all(compiled.params)
  store.close()
  return {
    hot: hot.map((m) => m.id),
    important: important.map((m) => m.id),
    concepts: concepts.map((m) => m.id),
    plan: JSON.stringify(plan),
  }
}
