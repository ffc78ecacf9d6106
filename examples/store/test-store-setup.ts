// Seed 003 "Test Store Setup" + "Event Testing": an in-memory test adapter, a seeding
// helper, and the persona activation rule (activating one deactivates the others).
import { createStore, type Store } from '@strata/store'
import { makeTestAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

export const testUtils = {
  createTestStore: () => createStore({ schema, adapter: makeTestAdapter(), storeId: 'test' }),
  seedTestData(store: Store<typeof schema>) {
    const personaId = 'test-persona-1'
    store.commit(
      events.personaCreated({ id: personaId, createdAt: 0, ...samplePersona('Test Persona') }),
      ...Array.from({ length: 5 }, (_, i) =>
        events.memoryEntityCreated({
          id: `test-memory-${i}`,
          personaId,
          type: 'concept',
          name: `Test Concept ${i}`,
          content: { description: `Test content ${i}` },
          summary: `Summary ${i}`,
          tags: [`tag${i}`, 'test'],
          importance: 50 + i * 10,
          createdAt: i,
        }),
      ),
    )
    return { personaId }
  },
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await testUtils.createTestStore()
  const { personaId } = testUtils.seedTestData(store)
  store.commit(events.personaCreated({ id: 'persona-2', createdAt: 1, ...samplePersona('Persona 2') }))
  store.commit(events.personaActivated({ id: 'persona-2' }))
  store.commit(events.personaActivated({ id: personaId }))
  const active = store.query(tables.personas.where({ isActive: true }))
  const memories = store.query(tables.memoryEntities.where({ personaId }).count())
  log(
    'active:',
    active.map((p) => p.id),
    'memories:',
    memories,
  )
  store.close()
  return { active: active.map((p) => ({ id: p.id, usageCount: p.usageCount })), memories }
}
