// Seed 003 "Memory Tier Management" + "Query Result Caching". The seed commits one event
// per re-tiered memory inside a loop and caches stats in a hand-made Map keyed by
// persona. Here the optimizer reads the live query once, commits every tier change in
// ONE atomic batch, and the "cache" is simply a computed over the live query (shared,
// invalidated precisely, cut off when equal). `now` is passed in, so it is testable.
import { computed } from '@strata/core'
import { createStore, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

const DAY = 24 * 60 * 60 * 1000

export function optimizePersonaMemories(store: Store<typeof schema>, personaId: string, now: number): number {
  const memories = store.query(tables.memoryEntities.where({ personaId, deletedAt: null }))
  const changes = memories.flatMap((m) => {
    const days = Math.max((now - m.lastAccessed) / DAY, 1e-9)
    const frequency = m.connectionCount / days
    let tier = m.memoryTier
    if (frequency > 2 && m.importance > 70) tier = 'hot'
    else if (frequency > 0.5 || m.importance > 50) tier = 'warm'
    else if (days > 30 && m.importance < 30) tier = 'cold'
    return tier === m.memoryTier
      ? []
      : [
          events.memoryEntityUpdatedV2({
            id: m.id,
            updates: { memoryTier: tier as 'hot' | 'warm' | 'cold' },
            updatedAt: now,
          }),
        ]
  })
  if (changes.length) store.commit(...changes)
  return changes.length
}

export const tierStats$ = (store: Store<typeof schema>, personaId: string) => {
  const memories$ = store.queryDb(
    tables.memoryEntities.where({ personaId, deletedAt: null }).select('id', 'memoryTier'),
  )
  return computed(() => {
    const counts: Record<string, number> = { hot: 0, warm: 0, cold: 0 }
    for (const m of memories$.get()) counts[m.memoryTier] = (counts[m.memoryTier] ?? 0) + 1
    return counts
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'tiers' })
  const t = 1_700_000_000_000
  store.commit(
    events.personaCreated({ id: 'p1', createdAt: t, ...samplePersona('Sage') }),
    events.memoryEntityCreated({
      id: 'old-trivia',
      personaId: 'p1',
      type: 'fact',
      name: 'Trivia',
      content: {},
      summary: '',
      tags: [],
      importance: 10,
      createdAt: t,
    }),
    events.memoryEntityCreated({
      id: 'core',
      personaId: 'p1',
      type: 'fact',
      name: 'Core belief',
      content: {},
      summary: '',
      tags: [],
      importance: 90,
      createdAt: t,
    }),
    events.memoryEntityCreated({
      id: 'note',
      personaId: 'p1',
      type: 'note',
      name: 'Note',
      content: {},
      summary: '',
      tags: [],
      importance: 40,
      createdAt: t,
    }),
  )
  const stats$ = tierStats$(store, 'p1')
  const seen: Record<string, number>[] = []
  const off = stats$.subscribe((s) => seen.push(s))
  const changed = optimizePersonaMemories(store, 'p1', t + 40 * DAY)
  const again = optimizePersonaMemories(store, 'p1', t + 40 * DAY)
  off()
  log('re-tiered:', changed, 'second pass:', again, 'stats:', seen)
  store.close()
  return { changed, again, seen }
}
