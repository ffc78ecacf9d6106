import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryAdapter, nodeAdapter } from '../adapters/node.js'
import { Events } from '../events/define.js'
import { makeSchema } from '../schema/make-schema.js'
import { Column } from '../tables/columns.js'
import { table } from '../tables/table.js'
import { createStore } from './create-store.js'
import { exactParse, exactStringify } from './exact-json.js'

function build(nullable: boolean) {
  const items = table('items', {
    id: Column.text({ primaryKey: true }),
    score: nullable ? Column.real({ nullable: true }) : Column.real(),
    title: Column.text({ default: '' }),
  })
  const created = Events.synced({ name: 'v1.Created', schema: z.object({ id: z.string(), d: z.number() }) })
  const renamed = Events.synced({
    name: 'v1.Renamed',
    schema: z.object({ id: z.string(), title: z.string() }),
  })
  const other = Events.synced({ name: 'v1.Other', schema: z.object({ id: z.string() }) })
  const schema = makeSchema({
    events: { created, renamed, other },
    tables: { items },
    materializers: {
      // d = ±1e300 → ±Infinity: valid REAL values
      'v1.Created': ({ id, d }, db) => db.insert(items, { id, score: d * 1e10 } as never),
      'v1.Renamed': ({ id, title }, db) => {
        db.update(items, { id }, { title })
      },
      'v1.Other': () => {},
    },
  })
  return { items, created, renamed, schema }
}

describe('exact JSON of undo entries and snapshots', () => {
  it('keeps ±Infinity, NaN and -0 and reads plain JSON as before', () => {
    const v = [['r', 't', { a: Infinity, b: -Infinity, c: Number.NaN, d: -0, e: 1, f: null, g: 'x' }]]
    const back = exactParse<typeof v>(exactStringify(v))
    expect(back).toEqual(v)
    expect(Object.is((back[0]![2] as { d: number }).d, -0)).toBe(true)
    expect(exactStringify([1, 'a', null])).toBe('[1,"a",null]')
    expect(exactParse('[["r","t",{"a":null,"b":"{\\"$n\\":1}"}]]')).toEqual([
      ['r', 't', { a: null, b: '{"$n":1}' }],
    ])
  })

  it('a rejected update restores a REAL Infinity on a NOT NULL column', async () => {
    const { items, created, renamed, schema } = build(false)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'd', clientId: 'ME' })
    store.commit(created({ id: 'a', d: 1e300 }))
    store.commit(renamed({ id: 'a', title: 'x' }))
    store.sync.reject(2, 'refused by server')
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1])
    expect(store.query(items.where({ id: 'a' }).first())).toEqual({ id: 'a', score: Infinity, title: '' })
    store.close()
  })

  it('a rebase under a foreign upstream event keeps -Infinity', async () => {
    const { items, created, renamed, schema } = build(true)
    const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'd2', clientId: 'ME' })
    store.commit(created({ id: 'a', d: -1e300 }))
    store.sync.applyUpstream([{ ...store.sync.pending()[0]!, gseq: 1 }])
    store.commit(renamed({ id: 'a', title: 'x' }))
    store.sync.applyUpstream([{ name: 'v1.Other', args: { id: 'z' }, clientId: 'OTHER', seq: 1, gseq: 2 }])
    expect(store.query(items.where({ id: 'a' }).first())).toEqual({ id: 'a', score: -Infinity, title: 'x' })
    store.close()
  })

  it('a snapshot, compaction and rebuild keep a REAL Infinity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-exact-'))
    try {
      const { items, created, schema } = build(false)
      const s = await createStore({
        schema,
        adapter: nodeAdapter({ directory: dir }),
        storeId: 'm',
        clientId: 'ME',
      })
      s.commit(created({ id: 'a', d: 1e300 }))
      s.sync.applyUpstream([{ ...s.sync.pending()[0]!, gseq: 1 }])
      s.snapshot()
      expect(s.compact()).toBe(1)
      s.rebuild()
      expect(s.query(items.where({ id: 'a' }).first())?.score).toBe(Infinity)
      s.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
