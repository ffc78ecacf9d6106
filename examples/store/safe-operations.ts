// Seed 003 "Error Handling": safe operations return { success, error } instead of
// throwing. The store already validates every payload before touching anything and
// throws typed errors naming the event and field, so the wrapper is only a translation.
import { createStore, type Store, StoreError } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, PersonaInput, schema, tables } from './_personas.js'

type Result = { success: true; personaId?: string } | { success: false; error: string; code: string }

const fail = (e: unknown): Result =>
  e instanceof StoreError
    ? { success: false, error: e.message, code: e.code }
    : { success: false, error: String(e), code: 'unknown' }

export function safePersonaOperations(store: Store<typeof schema>) {
  return {
    createPersona(data: unknown): Result {
      try {
        const parsed = PersonaInput.parse(data)
        const id = crypto.randomUUID()
        store.commit(events.personaCreated({ id, createdAt: Date.now(), ...parsed }))
        return { success: true, personaId: id }
      } catch (e) {
        return fail(e)
      }
    },
    updatePersona(id: string, updates: { name?: string; description?: string }): Result {
      try {
        if (!store.query(tables.personas.where({ id }).first()))
          return { success: false, error: `Persona ${id} not found`, code: 'not_found' }
        store.commit(events.personaUpdated({ id, updates, updatedAt: Date.now() }))
        return { success: true }
      } catch (e) {
        return fail(e)
      }
    },
  }
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'safe' })
  const ops = safePersonaOperations(store)
  const created = ops.createPersona({
    name: 'Sage',
    description: '',
    personality: { traits: [], temperament: 'calm', communicationStyle: 'direct' },
    settings: { memoryRetention: 30, privacyLevel: 'high', autoLearn: false },
  })
  const invalidCreate = ops.createPersona({ name: '' })
  const id = created.success ? (created.personaId ?? '') : ''
  const invalidUpdate = ops.updatePersona(id, { name: '' })
  const missing = ops.updatePersona('nope', { name: 'x' })
  const ok = ops.updatePersona(id, { name: 'Sage II' })
  log({ created: created.success, invalidCreate, invalidUpdate, missing, ok })
  const names = store.query(tables.personas.select('name'))
  store.close()
  return { created, invalidCreate, invalidUpdate, missing, ok, names }
}
