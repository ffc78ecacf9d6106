// Seed 003 "Deterministic Event Design": ids and timestamps are generated OUTSIDE the
// materializer and travel in the payload, so every replica (and every rebuild) computes
// the same state. Shown by rebuilding from the log and by a second store replaying it.
import { createStore } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, type PersonaInput, samplePersona, schema, tables } from './_personas.js'

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'det' })
  const createPersona = (data: PersonaInput) => {
    const id = crypto.randomUUID() // generated outside the materializer
    store.commit(events.personaCreated({ id, createdAt: Date.now(), ...data }))
    return id
  }
  const a = createPersona(samplePersona('Ada'))
  const b = createPersona(samplePersona('Brian'))
  const before = store.query(tables.personas.orderBy('name'))
  store.rebuild()
  const after = store.query(tables.personas.orderBy('name'))
  // A second replica applies the same events (as the sync server would stream them).
  const replica = await createStore({ schema, adapter: memoryAdapter(), storeId: 'det' })
  replica.sync.applyUpstream(store.sync.pending().map((e, i) => ({ ...e, gseq: i + 1 })))
  const onReplica = replica.query(tables.personas.orderBy('name'))
  log('ids', [a, b], 'identical after rebuild:', JSON.stringify(before) === JSON.stringify(after))
  store.close()
  replica.close()
  return { before, after, onReplica }
}
