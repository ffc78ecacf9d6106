import { setUnmountDelay } from '@strata/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryAdapter } from '../adapters/node.js'
import { DocumentNotFoundError, DocumentValidationError, StoreError } from '../errors.js'
import { validateEvent } from '../events/validate.js'
import { rawSql } from '../query/query.js'
import { makeSchema, type SchemaModule } from '../schema/make-schema.js'
import { createStore } from '../store/create-store.js'
import type { Store } from '../store/store.js'
import { defineCollection } from './collection.js'
import { Query } from './query-ops.js'

const Message = z.object({
  projectId: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  sequence: z.number().int(),
})
const messages = defineCollection({ name: 'messages', schema: Message, indexes: [['projectId', 'sequence']] })
const notInSchema = defineCollection({ name: 'other', schema: z.object({ x: z.number() }) })
const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [messages] })

let store: Store<typeof schema>
beforeEach(async () => {
  setUnmountDelay(0)
  store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'c' })
})
afterEach(() => store.close())

describe('collections', () => {
  it('create / get / update / delete / list with Query operators', () => {
    const col = store.collection(messages)
    const m1 = col.create({ projectId: 'p1', role: 'user', content: 'Create a button', sequence: 1 })
    col.create({ projectId: 'p1', role: 'assistant', content: 'Sure', sequence: 2 }, { id: 'm2' })
    col.create({ projectId: 'p2', role: 'user', content: 'Other', sequence: 1 })
    expect(m1.$id).toMatch(/.+/)
    expect(m1.$createdAt).toMatch(/^\d{4}-/)
    expect(col.get('m2')?.content).toBe('Sure')
    const updated = col.update('m2', { content: 'Sure thing' })
    expect(updated).toMatchObject({ $id: 'm2', content: 'Sure thing', role: 'assistant', sequence: 2 })
    const page = col.list([Query.equal('projectId', 'p1'), Query.orderDesc('sequence'), Query.limit(1)])
    expect(page.total).toBe(2)
    expect(page.documents.map((d) => d.$id)).toEqual(['m2'])
    expect(col.count([Query.greaterThan('sequence', 1)])).toBe(1)
    expect(col.count([Query.search('content', 'button')])).toBe(1)
    expect(col.count([Query.startsWith('content', 'Sur')])).toBe(1)
    expect(col.count([Query.equal('role', ['user', 'assistant']), Query.notEqual('projectId', 'p2')])).toBe(2)
    col.delete(m1.$id)
    expect(col.get(m1.$id)).toBeUndefined()
    expect(store.sync.pending().map((e) => e.name)).toEqual([
      'v1.messages.Created',
      'v1.messages.Created',
      'v1.messages.Created',
      'v1.messages.Updated',
      'v1.messages.Deleted',
    ])
  })

  it('validates creates and merged updates, naming the field; nothing is written', () => {
    const col = store.collection(messages)
    expect(() => col.create({ projectId: 'p', role: 'robot' as never, content: '', sequence: 1 })).toThrow(
      DocumentValidationError,
    )
    col.create({ projectId: 'p', role: 'user', content: 'x', sequence: 1 }, { id: 'a' })
    try {
      col.update('a', { sequence: 1.5 })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentValidationError)
      expect((e as DocumentValidationError).field).toBe('sequence')
    }
    expect(col.get('a')?.sequence).toBe(1)
    expect(() => col.update('missing', { content: 'x' })).toThrow(DocumentNotFoundError)
    expect(() => col.delete('missing')).toThrow(DocumentNotFoundError)
  })

  it('live lists and live docs are core stores', () => {
    const col = store.collection(messages)
    const list$ = col.live([Query.equal('projectId', 'p1'), Query.orderAsc('sequence')])
    const seen: number[] = []
    const off = list$.subscribe((docs) => seen.push(docs.length))
    col.create({ projectId: 'p1', role: 'user', content: 'a', sequence: 1 }, { id: 'a' })
    col.create({ projectId: 'p2', role: 'user', content: 'b', sequence: 1 })
    const doc$ = col.liveDoc('a')
    const contents: (string | undefined)[] = []
    const off2 = doc$.subscribe((d) => contents.push(d?.content))
    col.update('a', { content: 'A' })
    off()
    off2()
    expect(seen).toEqual([0, 1, 1])
    expect(contents).toEqual(['a', 'A'])
  })

  it('createMany is one atomic commit', () => {
    const col = store.collection(messages)
    expect(() =>
      col.createMany([
        { projectId: 'p', role: 'user', content: 'ok', sequence: 1 },
        { projectId: 'p', role: 'user', content: 'bad', sequence: -0.5 },
      ]),
    ).toThrow(DocumentValidationError)
    expect(col.count()).toBe(0)
    expect(col.createMany([{ projectId: 'p', role: 'user', content: 'ok', sequence: 1 }])).toHaveLength(1)
  })

  it('create, createMany and update return exactly what is stored (built from the committed event)', () => {
    const col = store.collection(messages)
    const made = col.create({ projectId: 'p', role: 'user', content: 'x', sequence: 1 })
    const many = col.createMany([
      { projectId: 'p', role: 'assistant', content: 'y', sequence: 2 },
      { projectId: 'p', role: 'user', content: 'z', sequence: 3 },
    ])
    const updated = col.update(made.$id, { content: 'x2', sequence: undefined as never })
    for (const doc of [updated, ...many]) expect(col.get(doc.$id)).toStrictEqual(doc)
    expect(updated.$createdAt).toBe(made.$createdAt)
    expect(updated.sequence).toBe(1)
  })

  it('refuses a collection that is not in the schema', () => {
    expect(() => store.collection(notInSchema)).toThrow(StoreError)
  })

  it('uses the expression index for field filters', () => {
    const plan = store.driver
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM col_messages WHERE json_extract(data, '$.projectId') IN (?)`,
      )
      .all(['p1'])
    expect(JSON.stringify(plan)).toMatch(/col_messages_projectId_sequence_idx/)
  })

  it('startsWith compares characters, so a prefix with emoji (astral-plane) matches', async () => {
    const notes = defineCollection({ name: 'notes', schema: z.object({ title: z.string() }) })
    const s = await createStore({ schema: withModule(notes), adapter: memoryAdapter(), storeId: 'n' })
    s.collection(notes).create({ title: '😀 party' })
    s.collection(notes).create({ title: '😀' })
    s.collection(notes).create({ title: 'party' })
    expect(s.collection(notes).count([Query.startsWith('title', '😀')])).toBe(2)
    expect(s.collection(notes).count([Query.startsWith('title', '😀 p')])).toBe(1)
    s.close()
  })

  it('Query.equal / notEqual with null mean IS NULL / IS NOT NULL, also mixed with values', async () => {
    const notes = defineCollection({ name: 'notes', schema: z.object({ lang: z.string().nullable() }) })
    const s = await createStore({ schema: withModule(notes), adapter: memoryAdapter(), storeId: 'n' })
    const col = s.collection(notes)
    col.create({ lang: null })
    col.create({ lang: 'en' })
    col.create({ lang: 'de' })
    expect(col.count([Query.equal('lang', null)])).toBe(1)
    expect(col.count([Query.notEqual('lang', null)])).toBe(2)
    expect(col.count([Query.equal('lang', [null, 'en'])])).toBe(2)
    expect(col.count([Query.notEqual('lang', [null, 'en'])])).toBe(1)
    expect(col.count([Query.notEqual('lang', 'en')])).toBe(1)
    s.close()
  })

  it('runs the schema once on create and on update and stores its output; an update patches only the edited fields', async () => {
    const notes = defineCollection({
      name: 'notes',
      schema: z.object({ title: z.string().trim(), m: z.coerce.number(), tag: z.string().default('none') }),
    })
    const s = await createStore({ schema: withModule(notes), adapter: memoryAdapter(), storeId: 'n' })
    const col = s.collection(notes)
    const d = col.create({ title: '  hello ', m: '1' as never } as never)
    expect(d).toMatchObject({ title: 'hello', m: 1, tag: 'none' })
    expect(col.get(d.$id)).toStrictEqual(d)
    const u = col.update(d.$id, { m: '7' as never })
    expect(u).toMatchObject({ title: 'hello', m: 7, tag: 'none' })
    expect(col.get(d.$id)).toStrictEqual(u)
    expect(s.sync.pending().map((e) => e.args)).toMatchObject([
      { data: { title: 'hello', m: 1, tag: 'none' } },
      { patch: { m: 7 } },
    ])
    expect(Object.keys((s.sync.pending()[1]!.args as { patch: object }).patch)).toEqual(['m'])
    s.close()
  })

  it('refuses a schema whose output is not its own output (a transform that changes it again), with a clear error', async () => {
    const notes = defineCollection({
      name: 'notes',
      schema: z.object({ n: z.number().transform((x) => x + 1) }),
    })
    const s = await createStore({ schema: withModule(notes), adapter: memoryAdapter(), storeId: 'n' })
    expect(() => s.collection(notes).create({ n: 1 })).toThrow(/not the document schema's output for itself/)
    expect(s.collection(notes).list().total).toBe(0)
    s.close()
  })

  it("checks a Created event against the schema (as the sync server does): only the schema's exact output is stored", async () => {
    const notes = defineCollection({ name: 'notes', schema: z.object({ title: z.string().trim() }) })
    const schema = withModule(notes)
    const at = new Date(0).toISOString()
    const created = (data: unknown) => ({ name: 'v1.notes.Created', args: { id: 'x', data, at } })
    expect(validateEvent(schema, created({ title: 7 })).ok).toBe(false)
    expect(validateEvent(schema, created({ title: '  padded  ' })).ok).toBe(false)
    expect(validateEvent(schema, created({ title: 'ok', isAdmin: true })).ok).toBe(false)
    expect(validateEvent(schema, created({ title: 'ok' }))).toMatchObject({
      ok: true,
      value: { data: { title: 'ok' } },
    })
    const s = await createStore({ schema, adapter: memoryAdapter(), storeId: 'n' })
    s.sync.applyUpstream([{ ...created({ title: 'ok' }), clientId: 'other', seq: 1, gseq: 1 }])
    expect(s.collection(notes).get('x')?.title).toBe('ok')
    expect(() =>
      s.sync.applyUpstream([
        { ...created({ title: 'ok', isAdmin: true }), clientId: 'other', seq: 2, gseq: 2 },
      ]),
    ).toThrow()
    s.close()
  })

  it('a field index named like the creation-order index does not lose its index', async () => {
    const msgs = defineCollection({ name: 'msgs', schema: z.object({ seq: z.number() }), indexes: ['seq'] })
    expect(msgs.module.tables[0]?.ddl().filter((d) => /CREATE INDEX/.test(d))).toHaveLength(2)
    const s = await createStore({ schema: withModule(msgs), adapter: memoryAdapter(), storeId: 'm' })
    const indexes = s.query(
      rawSql<{ sql: string }[]>(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'col_msgs'",
      ),
    )
    expect(indexes.some((i) => i.sql?.includes("json_extract(data, '$.seq')"))).toBe(true)
    s.close()
  })

  it('lists documents created in the same millisecond in creation order by default', async () => {
    const notes = defineCollection({ name: 'notes', schema: z.object({ n: z.number() }) })
    const s = await createStore({ schema: withModule(notes), adapter: memoryAdapter(), storeId: 'n' })
    const col = s.collection(notes)
    col.createMany(Array.from({ length: 20 }, (_, n) => ({ n })))
    for (let n = 20; n < 25; n++) col.create({ n })
    expect(col.list().documents.map((d) => d.n)).toEqual([...Array(25).keys()])
    s.close()
  })
})

const withModule = (m: { module: SchemaModule }) =>
  makeSchema({ events: {}, tables: {}, materializers: {}, modules: [m] })
