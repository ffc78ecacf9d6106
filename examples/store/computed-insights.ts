// Seed 003 "Computed Values for Derived State": insights are a core `computed` over a
// live query — recalculated only when the persona's memories change, shared by every
// reader, and (unlike the seed) free of Date.now() inside the derivation: "now" is a
// signal the app ticks.
import { computed, signal } from '@strata/core'
import { createStore, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

const DAY = 24 * 60 * 60 * 1000

export function memoryInsights$(store: Store<typeof schema>, personaId: string, now: { get(): number }) {
  const memories$ = store.queryDb(tables.memoryEntities.where({ personaId, deletedAt: null }), {
    label: 'personaMemories$',
  })
  return computed(() => {
    const memories = memories$.get()
    const byType: Record<string, number> = {}
    for (const m of memories) byType[m.type] = (byType[m.type] ?? 0) + 1
    return {
      totalMemories: memories.length,
      memoryByType: byType,
      averageImportance: memories.length
        ? memories.reduce((s, m) => s + m.importance, 0) / memories.length
        : 0,
      recentActivity: memories.filter((m) => now.get() - m.lastAccessed < DAY).length,
    }
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'insights' })
  const t = 1_700_000_000_000
  const now = signal(t + DAY / 2)
  store.commit(events.personaCreated({ id: 'p1', createdAt: t, ...samplePersona('Sage') }))
  const insights$ = memoryInsights$(store, 'p1', now)
  const seen: number[] = []
  const off = insights$.subscribe((i) => seen.push(i.totalMemories))
  store.commit(
    events.memoryEntityCreated({
      id: 'a',
      personaId: 'p1',
      type: 'fact',
      name: 'A',
      content: {},
      summary: '',
      tags: [],
      importance: 40,
      createdAt: t,
    }),
    events.memoryEntityCreated({
      id: 'b',
      personaId: 'p1',
      type: 'concept',
      name: 'B',
      content: {},
      summary: '',
      tags: [],
      importance: 80,
      createdAt: t,
    }),
  )
  // A memory of another persona re-runs the SQL, but the equal result is cut off:
  // the insights are not recomputed and subscribers are not called.
  store.commit(events.personaCreated({ id: 'p2', createdAt: t, ...samplePersona('Other') }))
  store.commit(
    events.memoryEntityCreated({
      id: 'c',
      personaId: 'p2',
      type: 'fact',
      name: 'C',
      content: {},
      summary: '',
      tags: [],
      importance: 10,
      createdAt: t,
    }),
  )
  const first = insights$.get()
  now.set(t + 2 * DAY)
  const later = insights$.get()
  off()
  log('insights:', first, 'a day later, recent:', later.recentActivity)
  store.close()
  return { first, laterRecent: later.recentActivity, seen }
}
