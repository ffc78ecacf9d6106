import type { Store } from '@strata/store'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, samplePersona, type schema, tables } from './_personas.js'
import { main, testUtils } from './test-store-setup.js'

describe('test store setup (seed 003)', () => {
  let store: Store<typeof schema>
  beforeEach(async () => {
    store = await testUtils.createTestStore()
  })
  afterEach(() => store.close())

  it('creates a persona with correct data and defaults', () => {
    store.commit(
      events.personaCreated({ id: 'test-persona', createdAt: 0, ...samplePersona('Test Persona') }),
    )
    const persona = store.query(tables.personas.where({ id: 'test-persona' }).first())
    expect(persona?.name).toBe('Test Persona')
    expect(persona?.isActive).toBe(false)
    expect(persona?.usageCount).toBe(0)
  })

  it('activates one persona and deactivates the others', async () => {
    const out = await main(() => undefined)
    expect(out.active).toEqual([{ id: 'test-persona-1', usageCount: 1 }])
    expect(out.memories).toBe(5)
  })
})
