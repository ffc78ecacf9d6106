// A REAL column holding what JSON cannot (±Infinity, NaN, -0) survives the journal:
// before, the journal stored these through JSON, so a flushed Infinity came back as null
// and replay failed on NOT NULL (the store could not be opened: JournalCorruptError).
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { wasmEngine } from '../../test/browser-support.js'
import { browserAdapter } from '../adapters/browser.js'
import { Column, createStore, Events, makeSchema, table } from '../index.js'
import { memoryStorage } from './storage/memory.js'

const ratios = table('ratios', { id: Column.text({ primaryKey: true }), ratio: Column.real() })
const events = {
  measured: Events.synced({
    name: 'v1.Measured',
    schema: z.object({ id: z.string(), a: z.number(), b: z.number() }),
  }),
}
const schema = makeSchema({
  events,
  tables: { ratios },
  materializers: { 'v1.Measured': ({ id, a, b }, db) => db.insert(ratios, { id, ratio: a / b }) },
})

describe('a committed REAL value JSON cannot hold', () => {
  it('Infinity and -Infinity survive a reload (the store opens with the same rows)', async () => {
    const files = new Map<string, Uint8Array>()
    const open = async () => {
      const adapter = browserAdapter({
        engine: wasmEngine,
        storage: () => memoryStorage(files),
        multiTab: false,
      })
      return { adapter, store: await createStore({ schema, adapter, storeId: 'inf' }) }
    }
    const ratio = (s: Awaited<ReturnType<typeof open>>, id: string) =>
      s.store.query(ratios.where({ id }).first())?.ratio
    const a = await open()
    a.store.commit(events.measured({ id: 'r1', a: 1, b: 0 }))
    a.store.commit(events.measured({ id: 'r2', a: -1, b: 0 }))
    expect(ratio(a, 'r1')).toBe(Number.POSITIVE_INFINITY)
    await a.adapter.flush() // acknowledged durable
    a.store.close()
    await [...a.adapter.drivers.values()][0]!.closeAsync()
    const b = await open()
    expect(ratio(b, 'r1')).toBe(Number.POSITIVE_INFINITY)
    expect(ratio(b, 'r2')).toBe(Number.NEGATIVE_INFINITY)
    b.store.close()
  })
})
