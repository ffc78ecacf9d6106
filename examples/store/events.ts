// Seed 003 "Event Naming Conventions" + "Event Testing": versioned, descriptive events
// with Standard Schema payloads; commit validates and materializes in one transaction.
// A badly named event ('PersonaEvent') is refused when the schema is defined.
import { createStore, Events, SchemaError } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { z } from 'zod'
import { events, samplePersona, schema, tables } from './_personas.js'

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'hub' })
  store.commit(events.personaCreated({ id: 'p1', createdAt: 1_700_000_000_000, ...samplePersona('Sage') }))
  const persona = store.query(tables.personas.where({ id: 'p1' }).first())
  log('created:', persona?.name, 'active:', persona?.isActive, 'usage:', persona?.usageCount)
  let refused = ''
  try {
    Events.synced({ name: 'PersonaEvent', schema: z.object({}) })
  } catch (e) {
    if (e instanceof SchemaError) refused = e.message
  }
  log('unversioned name refused:', refused)
  const log1 = store.devtools.events().map((e) => `${e.name} #${e.seq}`)
  store.close()
  return { persona, refused, log: log1 }
}
