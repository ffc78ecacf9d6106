// Seed 003 "Client Document Usage": UI-only state (form inputs, current view, search,
// filters) is a client document — persisted per key, never synced, a core store with
// `update`. The seed's ❌ (a synced 'SearchQueryChanged' event) is simply not needed.
import { effect } from '@strata/core'
import { clientDocument, createStore, makeSchema } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { z } from 'zod'

export const UiState = z.object({
  newPersonaForm: z.object({ name: z.string(), description: z.string(), isValid: z.boolean() }),
  currentView: z.enum(['dashboard', 'personas', 'memory']),
  searchQuery: z.string(),
  activeFilters: z.record(z.string(), z.unknown()),
})

export const uiState = clientDocument({
  name: 'uiState',
  schema: UiState,
  default: {
    newPersonaForm: { name: '', description: '', isValid: false },
    currentView: 'dashboard',
    searchQuery: '',
    activeFilters: {},
  },
})

export async function main(log: (...args: unknown[]) => void) {
  const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [uiState] })
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'ui' })
  const ui = store.document(uiState)
  const views: string[] = []
  const stop = effect(() => {
    views.push(ui.get().currentView)
  })
  ui.update({ currentView: 'personas' })
  ui.update((s) => ({ ...s, newPersonaForm: { ...s.newPersonaForm, name: 'Sage', isValid: true } }))
  // Another window keeps its own state under its own key.
  store.document(uiState, 'window-2').update({ currentView: 'memory' })
  stop()
  const state = ui.get()
  log(
    'views seen:',
    views,
    'form:',
    state.newPersonaForm,
    'pending sync events:',
    store.sync.pending().length,
  )
  const result = {
    views,
    state,
    other: store.document(uiState, 'window-2').get().currentView,
    pending: store.sync.pending().length,
  }
  store.close()
  return result
}
