import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effect, setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { nodeAdapter } from '../adapters/node.js'
import { EventValidationError } from '../errors.js'
import { makeSchema } from '../schema/make-schema.js'
import { createStore } from '../store/create-store.js'
import { clientDocument } from './client-document.js'

const UiState = z.object({ view: z.enum(['dashboard', 'personas']), search: z.string() })
const uiState = clientDocument({
  name: 'uiState',
  schema: UiState,
  default: { view: 'dashboard', search: '' },
})
const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [uiState] })

let dir: string
beforeEach(() => {
  setUnmountDelay(0)
  dir = mkdtempSync(join(tmpdir(), 'strata-doc-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('client documents', () => {
  it('default, update, per-key values, persisted, never pending', async () => {
    const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'ui' })
    const ui = store.document(uiState)
    const views: string[] = []
    const stop = effect(() => {
      views.push(ui.get().view)
    })
    expect(ui.get()).toEqual({ view: 'dashboard', search: '' })
    ui.update({ view: 'personas' })
    ui.update((v) => ({ ...v, search: 'milk' }))
    store.document(uiState, 'tab-2').set({ view: 'dashboard', search: 'other' })
    stop()
    // The effect tracks the whole value: the search change re-runs it too.
    expect(views).toEqual(['dashboard', 'personas', 'personas'])
    expect(store.sync.pending()).toEqual([])
    store.close()
    const again = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'ui' })
    expect(again.document(uiState).get()).toEqual({ view: 'personas', search: 'milk' })
    expect(again.document(uiState, 'tab-2').get().search).toBe('other')
    again.close()
  })

  it('rejects an invalid value naming the field', async () => {
    const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'ui' })
    const ui = store.document(uiState)
    try {
      ui.update({ view: 'nope' as never })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(EventValidationError)
      expect((e as EventValidationError).field).toBe('value.view')
    }
    expect(ui.get().view).toBe('dashboard')
    store.close()
  })
})
