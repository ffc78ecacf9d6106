import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { events, schema, todos, uiFilter } from '../../test/fixtures.js'
import { memoryAdapter, nodeAdapter } from '../adapters/node.js'
import { EventRejectedError, StoreError } from '../errors.js'
import type { EventInput } from '../events/define.js'
import type { EventRecord } from '../events/record.js'
import type { AnyMaterializer } from '../materializers/define.js'
import { makeSchema } from '../schema/make-schema.js'
import { createStore } from '../store/create-store.js'
import type { Store } from '../store/store.js'

const open: Store<typeof schema>[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})
async function client(id: string): Promise<Store<typeof schema>> {
  const s = await createStore({ schema, adapter: memoryAdapter(), storeId: 'shared', clientId: id })
  open.push(s)
  return s
}

/** A minimal in-memory server: orders pushed events, rejects on demand, dedups by seq. */
class FakeServer {
  log: EventRecord[] = []
  lastSeq = new Map<string, number>()
  push(records: readonly EventRecord[], rejectIf: (r: EventRecord) => boolean): { rejected: number[] } {
    const rejected: number[] = []
    for (const r of records) {
      const last = this.lastSeq.get(r.clientId) ?? 0
      if (r.seq <= last) continue
      this.lastSeq.set(r.clientId, r.seq)
      if (rejectIf(r)) rejected.push(r.seq)
      else this.log.push({ ...r, gseq: this.log.length + 1 })
    }
    return { rejected }
  }
  after(gseq: number): EventRecord[] {
    return this.log.filter((e) => (e.gseq ?? 0) > gseq)
  }
}

const rows = (s: Store<typeof schema>) => s.query(todos.orderBy('id'))

describe('sync seam', () => {
  it('pending events are persisted in seq order and reported through onPending', async () => {
    const a = await client('A')
    let calls = 0
    a.sync.onPending(() => calls++)
    a.commit(events.todoCreated({ id: 'x', title: 'X' }), events.todoCompleted({ id: 'x' }))
    a.commit(events.filterSet({ filter: 'open' }))
    expect(calls).toBe(1)
    expect(a.sync.pending().map((e) => [e.name, e.seq, e.clientId])).toEqual([
      ['v1.TodoCreated', 1, 'A'],
      ['v1.TodoCompleted', 2, 'A'],
    ])
    expect(a.sync.clientId).toBe('A')
    expect(a.sync.confirmedHead()).toBe(0)
  })

  it('applyUpstream confirms own events, applies foreign ones before pending, rebases the rest', async () => {
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'a1', title: 'mine' }))
    a.commit(events.todoRenamed({ id: 'shared', title: 'from A' }))
    const pendingBefore = a.sync.pending()
    // Server order: B created "shared", then A's first event.
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'shared', title: 'from B' }, clientId: 'B', seq: 1, gseq: 1 },
      { ...(pendingBefore[0] as EventRecord), gseq: 2 },
    ])
    expect(a.sync.confirmedHead()).toBe(2)
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2])
    // A's rename was rebased on top of B's create, so it now applies.
    expect(rows(a).map((r) => [r.id, r.title])).toEqual([
      ['a1', 'mine'],
      ['shared', 'from A'],
    ])
    // Redelivery is idempotent.
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'shared', title: 'from B' }, clientId: 'B', seq: 1, gseq: 1 },
    ])
    expect(rows(a)).toHaveLength(2)
  })

  it('confirming own events in the order they were committed runs no materializer and re-runs no query', async () => {
    let runs = 0
    const base = Object.fromEntries(schema.materializers)
    const counting =
      (name: string): AnyMaterializer =>
      (args, db) => {
        runs++
        base[name]?.(args, db)
      }
    const counted = makeSchema({
      events,
      tables: { todos, uiFilter },
      materializers: {
        ...base,
        'v1.TodoCreated': counting('v1.TodoCreated'),
        'v1.TodoRenamed': counting('v1.TodoRenamed'),
      } as never,
    })
    const a = await createStore({
      schema: counted,
      adapter: memoryAdapter(),
      storeId: 'shared',
      clientId: 'A',
    })
    open.push(a as unknown as Store<typeof schema>)
    a.commit(events.todoCreated({ id: 'a1', title: 'one' }))
    a.commit(events.todoRenamed({ id: 'a1', title: 'two' }), events.todoCreated({ id: 'a2', title: 'x' }))
    expect(runs).toBe(3)
    const all = a.queryDb(todos.orderBy('id'), { label: 'all' })
    const seen: unknown[] = []
    const off = all.subscribe((v) => seen.push(v))
    const queryRuns = () => a.devtools.liveQueries().find((q) => q.label === 'all')?.runs
    const before = queryRuns()
    const [p1, p2, p3] = a.sync.pending()
    // The server confirms the first two, then (another push) the third.
    a.sync.applyUpstream([
      { ...(p1 as EventRecord), gseq: 1 },
      { ...(p2 as EventRecord), gseq: 2 },
    ])
    expect(a.sync.confirmedHead()).toBe(2)
    expect(a.sync.pending().map((e) => e.seq)).toEqual([3])
    a.sync.applyUpstream([{ ...(p3 as EventRecord), gseq: 3 }])
    expect(a.sync.pending()).toEqual([])
    expect(runs).toBe(3)
    expect(queryRuns()).toBe(before)
    expect(seen).toHaveLength(1)
    off()
    // The confirmed events roll back no more: a later foreign event lands on top of them.
    a.commit(events.todoRenamed({ id: 'a2', title: 'mine' }))
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'b1', title: 'B' }, clientId: 'B', seq: 1, gseq: 4 },
    ])
    expect(rows(a).map((r) => [r.id, r.title])).toEqual([
      ['a1', 'two'],
      ['a2', 'mine'],
      ['b1', 'B'],
    ])
    expect(a.sync.pending().map((e) => e.seq)).toEqual([4])
  })

  it('own events confirmed in order, then a foreign one: pending after them is rebased on top', async () => {
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'k', title: 'A1' }))
    a.commit(events.todoRenamed({ id: 'k', title: 'A2' }))
    const [p1] = a.sync.pending()
    // Server order: A's first event, then B's rename, and A's rename is still in flight.
    a.sync.applyUpstream([
      { ...(p1 as EventRecord), gseq: 1 },
      { name: 'v1.TodoRenamed', args: { id: 'k', title: 'B' }, clientId: 'B', seq: 1, gseq: 2 },
    ])
    expect(a.sync.confirmedHead()).toBe(2)
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2])
    // A's pending rename replays after B's: it wins locally until the server orders it.
    expect(rows(a).map((r) => r.title)).toEqual(['A2'])
    a.sync.reject(2, 'no')
    expect(rows(a).map((r) => r.title)).toEqual(['B'])
  })

  it('notifies live queries once per applyUpstream', async () => {
    const a = await client('A')
    const seen: number[] = []
    const off = a.queryDb(todos.count()).subscribe((n) => seen.push(n))
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'u1', title: 'U1' }, clientId: 'B', seq: 1, gseq: 1 },
      { name: 'v1.TodoCreated', args: { id: 'u2', title: 'U2' }, clientId: 'B', seq: 2, gseq: 2 },
    ])
    off()
    expect(seen).toEqual([0, 2])
  })

  it('refuses upstream events that fail their schema, changing nothing', async () => {
    const a = await client('A')
    expect(() =>
      a.sync.applyUpstream([
        { name: 'v1.TodoCreated', args: { id: 'u1', title: '' }, clientId: 'B', seq: 1, gseq: 1 },
      ]),
    ).toThrow(/title/)
    expect(() =>
      a.sync.applyUpstream([{ name: 'v1.Nope', args: {}, clientId: 'B', seq: 1, gseq: 1 }]),
    ).toThrow(/Unknown event/)
    expect(a.sync.confirmedHead()).toBe(0)
    expect(rows(a)).toEqual([])
  })

  it('refuses upstream events without a client id, a seq ≥ 1 or an integer gseq, changing nothing', async () => {
    const a = await client('A')
    const good = { name: 'v1.TodoCreated', args: { id: 'u1', title: 'ok' }, clientId: 'B', seq: 1, gseq: 1 }
    for (const bad of [
      { ...good, gseq: 1.5 },
      { ...good, gseq: 0 },
      { ...good, seq: 0 },
      { ...good, seq: Number.NaN },
      { ...good, clientId: undefined },
    ]) {
      let err: unknown
      try {
        a.sync.applyUpstream([good, bad as unknown as EventRecord])
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(StoreError)
      expect((err as StoreError).code).toBe('upstream_invalid')
    }
    expect(a.sync.confirmedHead()).toBe(0)
    expect(rows(a)).toEqual([])
  })

  it('own events this log never had pending (a restored backup) move the next seq past them', async () => {
    // The backup holds A's first event; the server also has seqs 2 and 3 from A.
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'a1', title: 'one' }))
    const first = a.sync.pending()[0] as EventRecord
    a.sync.applyUpstream([
      { ...first, gseq: 1 },
      { name: 'v1.TodoCreated', args: { id: 'a2', title: 'two' }, clientId: 'A', seq: 2, gseq: 2 },
      { name: 'v1.TodoCreated', args: { id: 'b1', title: 'B' }, clientId: 'B', seq: 9, gseq: 3 },
      { name: 'v1.TodoCreated', args: { id: 'a3', title: 'three' }, clientId: 'A', seq: 3, gseq: 4 },
    ])
    expect(a.sync.lastSeq()).toBe(3)
    a.commit(events.todoCreated({ id: 'a4', title: 'four' }))
    // seq 2 would have been taken for a re-push of "two" and never applied
    expect(a.sync.pending().map((e) => [e.seq, (e.args as { id: string }).id])).toEqual([[4, 'a4']])
    // a redelivered own event below the counter does not move it back
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'a2', title: 'two' }, clientId: 'A', seq: 2, gseq: 2 },
    ])
    expect(a.sync.lastSeq()).toBe(4)
  })

  it('a pending event whose seq the server gave another event of ours gets a new seq and stays pending', async () => {
    // A new file given an existing client id, edited before its first sync: the server
    // already has A's seqs 1 and 2, both other events.
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'mine', title: 'offline' }))
    a.sync.advanceSeq(2) // welcome: lastSeq 2
    expect(a.sync.lastSeq()).toBe(2)
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'x1', title: 'first' }, clientId: 'A', seq: 1, gseq: 1 },
      { name: 'v1.TodoCreated', args: { id: 'x2', title: 'second' }, clientId: 'A', seq: 2, gseq: 2 },
    ])
    expect(a.sync.pending().map((e) => [e.seq, (e.args as { id: string }).id])).toEqual([[3, 'mine']])
    expect(a.sync.lastSeq()).toBe(3)
    expect(rows(a).map((r) => r.id)).toEqual(['mine', 'x1', 'x2'])
    a.commit(events.todoCreated({ id: 'next', title: 'after' }))
    expect(a.sync.pending().map((e) => e.seq)).toEqual([3, 4])
    // The server confirms the renumbered event under its new seq.
    const [mine] = a.sync.pending()
    a.sync.applyUpstream([{ ...(mine as EventRecord), gseq: 3 }])
    expect(a.sync.pending().map((e) => e.seq)).toEqual([4])
  })

  it('a renumbering is made durable (driver.durableNow) before its events can be pushed', async () => {
    let calls = 0
    const base = memoryAdapter()
    const a = await createStore({
      schema,
      storeId: 'durable',
      clientId: 'A',
      adapter: {
        open: async (o) => {
          const d = await base.open(o)
          d.durableNow = () => void calls++
          return d
        },
      },
    })
    open.push(a)
    let seenAtPending = -1
    a.sync.onPending(() => {
      seenAtPending = calls
    })
    a.commit(events.todoCreated({ id: 'mine', title: 'offline' }))
    a.sync.advanceSeq(1)
    // an upstream event that renumbers nothing does not pay for a checkpoint
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'o', title: 'other' }, clientId: 'B', seq: 1, gseq: 1 },
    ])
    expect(calls).toBe(0)
    seenAtPending = -1
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'x1', title: 'first' }, clientId: 'A', seq: 1, gseq: 2 },
    ])
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2])
    expect(calls).toBe(1)
    expect(seenAtPending).toBe(1) // the push signal came after the checkpoint
  })

  it('caughtUp(): a pending event still at or below the welcome lastSeq (refused under that seq) is renumbered, with every later one', async () => {
    // The server took A's seq 2 from an earlier life of this client id and refused it (no
    // event carries it back); this file's own seq 2 is another edit.
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'b1', title: 'synced' }))
    a.sync.applyUpstream([{ ...(a.sync.pending()[0] as EventRecord), gseq: 1 }])
    a.commit(events.todoCreated({ id: 'o1', title: 'offline' }))
    a.commit(events.todoRenamed({ id: 'o1', title: 'offline, renamed' }))
    a.sync.advanceSeq(2) // welcome: lastSeq 2
    a.commit(events.todoCompleted({ id: 'o1' })) // after the welcome: seq 4
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'x', title: 'other' }, clientId: 'B', seq: 1, gseq: 2 },
    ])
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2, 3, 4])
    a.sync.caughtUp()
    expect(a.sync.pending().map((e) => [e.seq, e.name])).toEqual([
      [3, 'v1.TodoCreated'],
      [4, 'v1.TodoRenamed'],
      [5, 'v1.TodoCompleted'],
    ])
    expect(a.sync.lastSeq()).toBe(5)
    a.commit(events.todoCreated({ id: 'n', title: 'next' }))
    expect(a.sync.pending().map((e) => e.seq)).toEqual([3, 4, 5, 6])
    // once per session: nothing is renumbered again until the next welcome
    a.sync.caughtUp()
    expect(a.sync.pending().map((e) => e.seq)).toEqual([3, 4, 5, 6])
    expect(rows(a).map((r) => [r.id, r.title, r.done])).toEqual([
      ['b1', 'synced', false],
      ['n', 'next', false],
      ['o1', 'offline, renamed', true],
      ['x', 'other', false],
    ])
  })

  it('caughtUp() leaves alone pending events the catch-up confirmed, and everything without a welcome', async () => {
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'p', title: 'pushed, ack lost' }))
    a.commit(events.todoCreated({ id: 'q', title: 'not pushed' }))
    a.sync.caughtUp() // no welcome this session: nothing is suspect
    expect(a.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    a.sync.advanceSeq(1)
    a.sync.applyUpstream([{ ...(a.sync.pending()[0] as EventRecord), gseq: 1 }])
    a.sync.caughtUp()
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2])
    expect(a.sync.lastSeq()).toBe(2)
  })

  it('every pending event from the first collided one on gets a new seq, in commit order', async () => {
    // A restored file whose log ends at seq 1, edited offline three times (seqs 2–4); the
    // server has this client's seqs up to 3, other events. Renumbering only the two that
    // collide would put the completion (seq 4) on the server before the create of o1.
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'b1', title: 'backed up' }))
    a.sync.applyUpstream([{ ...(a.sync.pending()[0] as EventRecord), gseq: 1 }])
    a.commit(events.todoCreated({ id: 'o1', title: 'offline' }))
    a.commit(events.todoRenamed({ id: 'o1', title: 'offline, renamed' }))
    a.commit(events.todoCompleted({ id: 'o1' }))
    expect(a.sync.pending().map((e) => e.seq)).toEqual([2, 3, 4])
    a.sync.advanceSeq(3) // welcome: lastSeq 3, below ours (4): the counter stays
    expect(a.sync.lastSeq()).toBe(4)
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { id: 'l1', title: 'lost' }, clientId: 'A', seq: 2, gseq: 2 },
      { name: 'v1.TodoRenamed', args: { id: 'b1', title: 'lost rename' }, clientId: 'A', seq: 3, gseq: 3 },
    ])
    expect(a.sync.pending().map((e) => [e.seq, e.name])).toEqual([
      [4, 'v1.TodoCreated'],
      [5, 'v1.TodoRenamed'],
      [6, 'v1.TodoCompleted'],
    ])
    expect(a.sync.lastSeq()).toBe(6)
    expect(rows(a).map((r) => [r.id, r.title, r.done])).toEqual([
      ['b1', 'lost rename', false],
      ['l1', 'lost', false],
      ['o1', 'offline, renamed', true],
    ])
  })

  it("the same edit made again by hand is not the server's event: its commit time differs", async () => {
    const a = await client('A')
    a.commit(events.todoCompleted({ id: 'x' }))
    a.sync.advanceSeq(1)
    const [mine] = a.sync.pending()
    a.sync.applyUpstream([{ ...(mine as EventRecord), ts: (mine?.ts ?? 0) - 60_000, gseq: 1 }])
    expect(a.sync.pending().map((e) => [e.seq, e.name])).toEqual([[2, 'v1.TodoCompleted']])
    // a re-push carries the row's own ts: that one is confirmed
    a.sync.applyUpstream([{ ...(a.sync.pending()[0] as EventRecord), gseq: 2 }])
    expect(a.sync.pending()).toEqual([])
  })

  it('a re-pushed event the server has (lost ack) is confirmed, not renumbered, even with its keys reordered', async () => {
    const a = await client('A')
    a.commit(events.todoCreated({ id: 'e', title: 'E' }), events.todoCreated({ id: 'f', title: 'F' }))
    a.sync.advanceSeq(2) // the server has both; their acks were lost
    // jsonb does not keep key order
    a.sync.applyUpstream([
      { name: 'v1.TodoCreated', args: { title: 'E', id: 'e' }, clientId: 'A', seq: 1, gseq: 1 },
      { name: 'v1.TodoCreated', args: { id: 'f', title: 'F' }, clientId: 'A', seq: 2, gseq: 2 },
    ])
    expect(a.sync.pending()).toEqual([])
    expect(a.sync.lastSeq()).toBe(2)
    expect(rows(a).map((r) => r.id)).toEqual(['e', 'f'])
  })

  it("advanceSeq: commits after it start above the server's lastSeq, persisted across a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-seq-'))
    try {
      const openA = () =>
        createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 's', clientId: 'A' })
      const a = await openA()
      a.commit(events.todoCreated({ id: 'a1', title: 'one' }))
      // The server processed A's seqs up to 5 (the last ones refused, so never streamed back).
      a.sync.advanceSeq(5)
      expect(a.sync.lastSeq()).toBe(5)
      a.sync.advanceSeq(2) // below ours: nothing changes
      expect(a.sync.lastSeq()).toBe(5)
      expect(() => a.sync.advanceSeq(-1)).toThrow(StoreError)
      expect(() => a.sync.advanceSeq(1.5)).toThrow(/seq ≥ 0/)
      a.close()
      const again = await openA()
      try {
        again.commit(events.todoCreated({ id: 'a2', title: 'two' }))
        expect(again.sync.pending().map((e) => e.seq)).toEqual([1, 6])
      } finally {
        again.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reject removes one pending event, keeps the rest and reports a typed error', async () => {
    const a = await client('A')
    const errors: EventRejectedError[] = []
    a.onRejection((e) => errors.push(e))
    a.commit(events.todoCreated({ id: 'r1', title: 'one' }))
    a.commit(events.todoRenamed({ id: 'r1', title: 'renamed' }))
    a.commit(events.todoCreated({ id: 'r2', title: 'two' }))
    a.sync.reject(2, 'not allowed')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(EventRejectedError)
    expect(errors[0]?.eventName).toBe('v1.TodoRenamed')
    expect(errors[0]?.seq).toBe(2)
    expect(a.sync.pending().map((e) => e.seq)).toEqual([1, 3])
    expect(rows(a).map((r) => [r.id, r.title])).toEqual([
      ['r1', 'one'],
      ['r2', 'two'],
    ])
    // The next commit continues the sequence (the server recorded seq 2 as processed).
    a.commit(events.todoCompleted({ id: 'r2' }))
    expect(a.sync.lastSeq()).toBe(4)
  })

  it('property: rebased state equals replaying confirmed + pending from scratch', async () => {
    type Op =
      | { kind: 'create'; client: 0 | 1; title: string }
      | { kind: 'rename'; client: 0 | 1; target: number; title: string }
      | { kind: 'complete'; client: 0 | 1; target: number }
      | { kind: 'clear'; client: 0 | 1 }
      | { kind: 'push'; client: 0 | 1; rejectMask: number }
      | { kind: 'pull'; client: 0 | 1 }
    const clientArb = fc.constantFrom<0 | 1>(0, 1)
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('create' as const),
        client: clientArb,
        title: fc.string({ minLength: 1, maxLength: 5 }),
      }),
      fc.record({
        kind: fc.constant('rename' as const),
        client: clientArb,
        target: fc.nat(9),
        title: fc.string({ minLength: 1, maxLength: 5 }),
      }),
      fc.record({ kind: fc.constant('complete' as const), client: clientArb, target: fc.nat(9) }),
      fc.record({ kind: fc.constant('clear' as const), client: clientArb }),
      fc.record({ kind: fc.constant('push' as const), client: clientArb, rejectMask: fc.nat(255) }),
      fc.record({ kind: fc.constant('pull' as const), client: clientArb }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const server = new FakeServer()
        const stores = [await client('A'), await client('B')] as const
        const created: string[] = []
        let n = 0
        for (const op of ops) {
          const s = stores[op.client]
          const target = created.length
            ? (created[('target' in op ? op.target : 0) % created.length] as string)
            : 'none'
          switch (op.kind) {
            case 'create': {
              const id = `${s.sync.clientId}-${n++}`
              created.push(id)
              s.commit(events.todoCreated({ id, title: op.title }))
              break
            }
            case 'rename':
              s.commit(events.todoRenamed({ id: target, title: op.title }))
              break
            case 'complete':
              s.commit(events.todoCompleted({ id: target }))
              break
            case 'clear':
              s.commit(events.todosCleared({}))
              break
            case 'push': {
              let bit = 0
              const { rejected } = server.push(
                s.sync.pending(),
                () => ((op.rejectMask >> (bit++ % 8)) & 1) === 1 && bit % 3 === 0,
              )
              for (const seq of rejected) s.sync.reject(seq, 'denied')
              break
            }
            case 'pull':
              s.sync.applyUpstream(server.after(s.sync.confirmedHead()))
              break
          }
          // Invariant for the store that acted: state == replay(confirmed prefix) + pending.
          const ref = await createStore({ schema, adapter: memoryAdapter(), storeId: 'ref', clientId: 'R' })
          try {
            ref.sync.applyUpstream(server.log.filter((e) => (e.gseq ?? 0) <= s.sync.confirmedHead()))
            for (const p of s.sync.pending()) ref.commitAny([{ name: p.name, args: p.args } as EventInput])
            expect(rows(s)).toEqual(rows(ref))
          } finally {
            ref.close()
          }
        }
        for (const s of stores) s.close()
        open.length = 0
      }),
      { numRuns: 60 },
    )
  })
})
