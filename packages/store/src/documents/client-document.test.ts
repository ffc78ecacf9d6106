import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { effect, setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { nodeAdapter } from '../adapters/node.js'
import { EventValidationError } from '../errors.js'
import { Events } from '../events/define.js'
import { makeSchema } from '../schema/make-schema.js'
import { createStore } from '../store/create-store.js'
import { Column } from '../tables/columns.js'
import { table } from '../tables/table.js'
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

  it('stores null when the schema allows it, also in a store made with the old NOT NULL column', async () => {
    // The table and event as stores made before the column became nullable have them.
    const old = table('doc_sel', { id: Column.text({ primaryKey: true }), value: Column.json<unknown>() })
    const oldSet = Events.clientOnly({
      name: 'v1.sel.DocumentSet',
      schema: z.object({ id: z.string(), value: z.string() }),
    })
    const before = makeSchema({
      events: { oldSet },
      tables: { old },
      materializers: { 'v1.sel.DocumentSet': (a, db) => db.upsert(old, a) },
    })
    const s1 = await createStore({ schema: before, adapter: nodeAdapter({ directory: dir }), storeId: 'sel' })
    s1.commit(oldSet({ id: 'default', value: 'x' }))
    s1.close()
    const sel = clientDocument({ name: 'sel', schema: z.string().nullable(), default: 'd' as string | null })
    const after = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [sel] })
    const s2 = await createStore({ schema: after, adapter: nodeAdapter({ directory: dir }), storeId: 'sel' })
    expect(s2.document(sel).get()).toBe('x')
    s2.document(sel).set(null)
    expect(s2.document(sel).get()).toBe(null)
    s2.document(sel).update((v) => v ?? 'y')
    expect(s2.document(sel).get()).toBe('y')
    s2.document(sel).set(null)
    s2.close()
    const s3 = await createStore({ schema: after, adapter: nodeAdapter({ directory: dir }), storeId: 'sel' })
    expect(s3.document(sel).get()).toBe(null)
    s3.close()
  })
})
