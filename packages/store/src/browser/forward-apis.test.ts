// Collections and client documents in a follower tab (decision 0058): the follower's
// commits reach its replica only with the leader's broadcast, so these APIs must not
// read their own writes back. Node: real BroadcastChannel, in-test Web Locks, the
// better-sqlite3 in-memory engine (same harness as forward.test.ts).
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { closeTab as close, role, type Tab as TabOf, tabHarness, until } from '../../test/tabs.js'
import { defineCollection } from '../collections/collection.js'
import { clientDocument } from '../documents/client-document.js'
import { DocumentNotFoundError, MaterializerError } from '../errors.js'
import { makeSchema } from '../schema/make-schema.js'
import { memoryStorage } from './storage/memory.js'

const notes = defineCollection({
  name: 'notes',
  schema: z.object({ title: z.string(), tags: z.array(z.string()).default([]), n: z.number().default(0) }),
})
const form = clientDocument({
  name: 'form',
  schema: z.object({ a: z.number(), b: z.number() }),
  default: { a: 0, b: 0 },
})
const schema = makeSchema({ events: {}, tables: {}, materializers: {}, modules: [notes, form] })

const { openTab } = tabHarness(schema)
type Tab = TabOf<typeof schema>
/** Two tabs of one store: the first leads, the second follows. */
const twoTabs = async (storeId: string): Promise<[Tab, Tab]> => {
  const files = new Map<string, Uint8Array>()
  const a = await openTab(storeId, () => memoryStorage(files))
  const b = await openTab(storeId, () => memoryStorage(files))
  expect([role(a), role(b)]).toEqual(['leader', 'follower'])
  return [a, b]
}

describe('collections in a follower tab', () => {
  it('create and createMany return the documents the leader stores (defaults, ids, times from the payload)', async () => {
    const [a, b] = await twoTabs('fa1')
    const col = b.store.collection(notes)
    const one = col.create({ title: 'one' } as never, { id: 'n1' })
    const many = col.createMany([{ title: 'two', tags: ['x'], n: 2 }, { title: 'three' } as never])
    expect(one).toMatchObject({ $id: 'n1', title: 'one', tags: [], n: 0 })
    expect(one.$createdAt).toMatch(/^\d{4}-/)
    expect(one.$updatedAt).toBe(one.$createdAt)
    expect(many.map((d) => d.title)).toEqual(['two', 'three'])
    expect(col.get('n1')).toBeUndefined() // not optimistic: not in this replica yet
    await b.adapter.flush()
    for (const doc of [one, ...many]) {
      expect(col.get(doc.$id)).toEqual(doc)
      expect(a.store.collection(notes).get(doc.$id)).toEqual(doc)
    }
    await close(b)
    await close(a)
  })

  it('update and delete see what this tab forwarded a moment earlier', async () => {
    const [a, b] = await twoTabs('fa2')
    const col = b.store.collection(notes)
    col.create({ title: 'draft', tags: ['t'], n: 1 }, { id: 'n1' })
    const updated = col.update('n1', { title: 'final' })
    expect(updated).toMatchObject({ $id: 'n1', title: 'final', tags: ['t'], n: 1 })
    const again = col.update('n1', { n: 2 })
    expect(again).toMatchObject({ title: 'final', n: 2 })
    col.create({ title: 'gone soon' } as never, { id: 'n2' })
    col.delete('n2')
    // Deleted here, not yet in the replica: still not found, synchronously.
    expect(() => col.update('n2', { n: 1 })).toThrow(DocumentNotFoundError)
    expect(() => col.delete('n2')).toThrow(DocumentNotFoundError)
    expect(() => col.delete('never')).toThrow(DocumentNotFoundError)
    await b.adapter.flush()
    expect(col.get('n1')).toEqual(again)
    expect(
      a.store
        .collection(notes)
        .list()
        .documents.map((d) => d.$id),
    ).toEqual(['n1'])
    await close(b)
    await close(a)
  })

  it("once this tab's commits show, the replica is the truth again (other tabs' writes, refused commits)", async () => {
    const [a, b] = await twoTabs('fa3')
    const col = b.store.collection(notes)
    col.create({ title: 'b', tags: [], n: 0 }, { id: 'n1' })
    await b.adapter.flush()
    a.store.collection(notes).update('n1', { n: 5 }) // the leader's own write
    await until(() => col.get('n1')?.n === 5, 'b shows the leader update')
    expect(col.update('n1', { title: 'b2' })).toMatchObject({ title: 'b2', n: 5 })
    await b.adapter.flush()
    a.store.collection(notes).delete('n1')
    await until(() => col.get('n1') === undefined, 'b shows the leader delete')
    expect(() => col.delete('n1')).toThrow(DocumentNotFoundError)
    // A create the leader refuses (the id exists there): its document never shows.
    a.store.collection(notes).create({ title: 'leader', tags: [], n: 0 }, { id: 'dup' })
    col.create({ title: 'follower', tags: [], n: 0 }, { id: 'dup' })
    await expect(b.adapter.flush()).rejects.toBeInstanceOf(MaterializerError)
    expect(col.update('dup', { n: 1 })).toMatchObject({ title: 'leader', n: 1 })
    await b.adapter.flush()
    await close(b)
    await close(a)
  })
})

describe('a follower that becomes the leader', () => {
  it('applies its own forwarded writes and goes on from them', async () => {
    const [a, b] = await twoTabs('fa5')
    const col = b.store.collection(notes)
    const closing = close(a) // stops applying forwarded commits at once
    col.create({ title: 'made while a closes', tags: [], n: 0 }, { id: 'n1' })
    expect(col.update('n1', { n: 1 })).toMatchObject({ title: 'made while a closes', n: 1 })
    await closing
    await until(() => role(b) === 'leader', 'b promoted')
    await b.store.sync.whenOwner?.()
    expect(col.get('n1')?.n).toBe(1)
    expect(col.update('n1', { n: 2 })).toStrictEqual(col.get('n1'))
    col.delete('n1')
    expect(() => col.delete('n1')).toThrow(DocumentNotFoundError)
    await b.adapter.flush()
    expect(col.count()).toBe(0)
    await close(b)
  })
})

describe('client documents in a follower tab', () => {
  it('successive updates compose (patches and functions)', async () => {
    const [a, b] = await twoTabs('fa4')
    const doc = b.store.document(form)
    doc.update({ a: 1 })
    doc.update({ b: 2 })
    await b.adapter.flush()
    expect(doc.get()).toEqual({ a: 1, b: 2 })
    doc.update((v) => ({ ...v, a: v.a + 1 }))
    doc.update((v) => ({ ...v, a: v.a + 1 }))
    await b.adapter.flush()
    expect(doc.get()).toEqual({ a: 3, b: 2 })
    expect(a.store.document(form).get()).toEqual({ a: 3, b: 2 })
    await close(b)
    await close(a)
  })
})
