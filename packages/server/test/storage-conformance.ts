// Behaviour every SyncStorage backend must show (exactly-once, ordering, gaps,
// durability across reopen). Run by src/storage/sqlite.test.ts and postgres.test.ts.
import type { PushedEvent } from '@strata/sync'
import { expect, it } from 'vitest'
import type { Judge, SyncStorage, Verdict } from '../src/storage/storage.js'

export interface StorageFactory {
  /** Opens the same database again (a fresh handle), to test persistence. */
  open(): Promise<SyncStorage>
}

export const ev = (clientId: string, seq: number, args: unknown = { n: seq }): PushedEvent => ({
  name: 'v1.Test',
  args,
  clientId,
  seq,
  ts: 1_700_000_000_000 + seq,
})

const none = (n: number): undefined[] => Array.from({ length: n }, () => undefined)

/** The user a client id is bound to (the bundled backends all implement clientOwner). */
export function ownerOf(s: SyncStorage, storeId: string, clientId: string): Promise<string | undefined> {
  if (!s.clientOwner) throw new Error(`${s.kind} storage without clientOwner`)
  return s.clientOwner(storeId, clientId)
}

export function storageConformance(factory: StorageFactory): void {
  it('appends with gap-free gseq per store and reads in order', async () => {
    const s = await factory.open()
    try {
      const a = await s.append('s1', 'a', [ev('a', 1), ev('a', 2)], none(2))
      expect(a.results).toEqual([
        { seq: 1, ok: true, gseq: 1 },
        { seq: 2, ok: true, gseq: 2 },
      ])
      expect(a.head).toBe(2)
      expect(a.lastSeq).toBe(2)
      const b = await s.append('s1', 'b', [ev('b', 1)], none(1))
      expect(b.results).toEqual([{ seq: 1, ok: true, gseq: 3 }])
      // another store has its own sequence
      const c = await s.append('s2', 'a', [ev('a', 1)], none(1))
      expect(c.results).toEqual([{ seq: 1, ok: true, gseq: 1 }])
      const page = await s.read('s1', 0, 10)
      expect(page.map((e) => [e.gseq, e.clientId, e.seq])).toEqual([
        [1, 'a', 1],
        [2, 'a', 2],
        [3, 'b', 1],
      ])
      expect(page[0]).toEqual({ ...ev('a', 1), gseq: 1 })
      expect(await s.read('s1', 1, 1)).toHaveLength(1)
      expect(await s.head('s1')).toBe(3)
      expect(await s.head('nope')).toBe(0)
      expect(await s.lastSeq('s1', 'a')).toBe(2)
      expect(await s.lastSeq('s1', 'zz')).toBe(0)
    } finally {
      await s.close()
    }
  })

  it('calls the judge inside the push with the locked head and only the fresh, unrefused events', async () => {
    const s = await factory.open()
    try {
      await s.append('judged', 'w', [ev('w', 1)], none(1))
      const calls: Array<[number, number[]]> = []
      const judge: Judge = (head, candidates) => {
        calls.push([head, candidates.map((e) => e.seq)])
        return candidates.map((e) => (e.seq === 3 ? { code: 'invalid', reason: 'judged no' } : undefined))
      }
      const refused: Verdict = { code: 'forbidden', reason: 'not yours' }
      const r = await s.append(
        'judged',
        'c',
        [ev('c', 1), ev('c', 2), ev('c', 3), ev('c', 4)],
        [undefined, refused],
        judge,
      )
      expect(calls).toEqual([[1, [1, 3, 4]]])
      expect(r.results).toEqual([
        { seq: 1, ok: true, gseq: 2 },
        { seq: 2, ok: false, code: 'forbidden', reason: 'not yours' },
        { seq: 3, ok: false, code: 'invalid', reason: 'judged no' },
        { seq: 4, ok: true, gseq: 3 },
      ])
      // duplicates are not judged again; a push with nothing fresh does not call the judge
      await s.append('judged', 'c', [ev('c', 3), ev('c', 4)], none(2), judge)
      expect(calls).toHaveLength(1)
      // a judge that cannot judge at this head: nothing recorded, `stale`
      const stale = await s.append('judged', 'c', [ev('c', 5)], none(1), () => undefined)
      expect(stale).toEqual({ results: [], lastSeq: 4, appended: [], head: 3, stale: true })
      expect(await s.lastSeq('judged', 'c')).toBe(4)
      expect(await s.head('judged')).toBe(3)
    } finally {
      await s.close()
    }
  })

  it('re-pushed events are duplicates with their original outcome, never applied twice', async () => {
    const s = await factory.open()
    try {
      const verdict: Verdict = { code: 'invalid', reason: 'bad n' }
      const first = await s.append(
        'dup',
        'c',
        [ev('c', 1), ev('c', 2), ev('c', 3)],
        [undefined, verdict, undefined],
      )
      expect(first.results).toEqual([
        { seq: 1, ok: true, gseq: 1 },
        { seq: 2, ok: false, code: 'invalid', reason: 'bad n' },
        { seq: 3, ok: true, gseq: 2 },
      ])
      expect(first.lastSeq).toBe(3)
      // the same batch again plus one new event: verdicts of duplicates are ignored
      const again = await s.append('dup', 'c', [ev('c', 2), ev('c', 3), ev('c', 4)], none(3))
      expect(again.results).toEqual([
        { seq: 2, ok: false, code: 'invalid', reason: 'bad n', duplicate: true },
        { seq: 3, ok: true, gseq: 2, duplicate: true },
        { seq: 4, ok: true, gseq: 3 },
      ])
      expect(again.appended.map((e) => e.seq)).toEqual([4])
      expect((await s.read('dup', 0, 100)).map((e) => e.seq)).toEqual([1, 3, 4])
    } finally {
      await s.close()
    }
  })

  it('a gap records nothing', async () => {
    const s = await factory.open()
    try {
      await s.append('gap', 'c', [ev('c', 1)], none(1))
      const r = await s.append('gap', 'c', [ev('c', 3), ev('c', 4)], none(2))
      expect(r.results.map((x) => (x.ok ? 'ok' : x.code))).toEqual(['gap', 'gap'])
      expect(r.lastSeq).toBe(1)
      expect(r.appended).toEqual([])
      expect(await s.head('gap')).toBe(1)
      expect(await s.lastSeq('gap', 'c')).toBe(1)
      // filling the gap works afterwards
      const ok = await s.append('gap', 'c', [ev('c', 2), ev('c', 3)], none(2))
      expect(ok.results.every((x) => x.ok)).toBe(true)
    } finally {
      await s.close()
    }
  })

  it('persists across reopen', async () => {
    const s = await factory.open()
    await s.append('persist', 'c', [ev('c', 1, { title: 'é ✓ "quoted"' }), ev('c', 2, null)], none(2))
    await s.close()
    const again = await factory.open()
    try {
      expect(await again.head('persist')).toBe(2)
      expect(await again.lastSeq('persist', 'c')).toBe(2)
      const events = await again.read('persist', 0, 10)
      expect(events.map((e) => e.args)).toEqual([{ title: 'é ✓ "quoted"' }, null])
    } finally {
      await again.close()
    }
  })

  it('concurrent pushes from many clients keep gseq gap-free', async () => {
    const s = await factory.open()
    try {
      const clients = Array.from({ length: 8 }, (_, i) => `k${i}`)
      await Promise.all(
        clients.map(async (c) => {
          for (let b = 0; b < 5; b++) {
            const batch = Array.from({ length: 10 }, (_, j) => ev(c, b * 10 + j + 1))
            const r = await s.append('conc', c, batch, none(batch.length))
            expect(r.results.every((x) => x.ok)).toBe(true)
          }
        }),
      )
      const all = await s.read('conc', 0, 1000)
      expect(all.map((e) => e.gseq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1))
      for (const c of clients) {
        expect(all.filter((e) => e.clientId === c).map((e) => e.seq)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        )
      }
    } finally {
      await s.close()
    }
  })

  it('the same push racing through two handles (two nodes) applies each event once', async () => {
    const one = await factory.open()
    const two = await factory.open()
    try {
      for (let round = 0; round < 10; round++) {
        const batch = [ev('r', round * 2 + 1), ev('r', round * 2 + 2)]
        const [a, b] = await Promise.all([
          one.append('race', 'r', batch, none(2)),
          two.append('race', 'r', batch, none(2)),
        ])
        // One of them appended both events; the other saw them as duplicates with the
        // same gseqs (it read lastSeq after the winner committed).
        const applied = [a, b].filter((x) => x.appended.length === 2)
        expect(applied).toHaveLength(1)
        const other = applied[0] === a ? b : a
        expect(other.appended).toEqual([])
        expect(other.results).toEqual(applied[0]!.results.map((r) => ({ ...r, duplicate: true })))
      }
      const log = await one.read('race', 0, 100)
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(log.map((e) => e.gseq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    } finally {
      await one.close()
      await two.close()
    }
  })

  it("a reader's refused push under a writer's client id is refused whole: it spends none of the writer's seqs", async () => {
    const s = await factory.open()
    try {
      const forbidden: Verdict = { code: 'forbidden', reason: 'eve may only read' }
      expect((await s.append('bind-r', 'w', [ev('w', 1)], none(1), undefined, 'ada')).results).toEqual([
        { seq: 1, ok: true, gseq: 1 },
      ])
      expect(await ownerOf(s, 'bind-r', 'w')).toBe('ada')
      // eve pushes the writer's next seqs: refused whole, nothing recorded, no outcome reported
      const taken = await s.append(
        'bind-r',
        'w',
        [ev('w', 2), ev('w', 3)],
        [forbidden, forbidden],
        undefined,
        'eve',
      )
      expect(taken).toEqual({ results: [], lastSeq: 1, appended: [], head: 1, taken: true })
      // nor does she learn the outcome of the writer's recorded events
      expect((await s.append('bind-r', 'w', [ev('w', 1)], none(1), undefined, 'eve')).taken).toBe(true)
      expect(await s.lastSeq('bind-r', 'w')).toBe(1)
      // the writer's own seqs 2 and 3 are still fresh: accepted
      const mine = await s.append('bind-r', 'w', [ev('w', 2), ev('w', 3)], none(2), undefined, 'ada')
      expect(mine.results).toEqual([
        { seq: 2, ok: true, gseq: 2 },
        { seq: 3, ok: true, gseq: 3 },
      ])
      expect((await s.read('bind-r', 0, 10)).map((e) => e.seq)).toEqual([1, 2, 3])
    } finally {
      await s.close()
    }
  })

  it("a writer cannot push under another writer's client id; the owner reopening with it can", async () => {
    const s = await factory.open()
    try {
      await s.append('bind-w', 'a1', [ev('a1', 1)], none(1), undefined, 'ada')
      const bob = await s.append('bind-w', 'a1', [ev('a1', 2)], none(1), undefined, 'bob')
      expect(bob.taken).toBe(true)
      expect(await s.head('bind-w')).toBe(1)
      await s.close()
      const again = await factory.open()
      try {
        // after a reopen (a reconnect, another node) the binding holds both ways
        expect(await ownerOf(again, 'bind-w', 'a1')).toBe('ada')
        expect((await again.append('bind-w', 'a1', [ev('a1', 2)], none(1), undefined, 'bob')).taken).toBe(
          true,
        )
        const ada = await again.append('bind-w', 'a1', [ev('a1', 1), ev('a1', 2)], none(2), undefined, 'ada')
        expect(ada.results).toEqual([
          { seq: 1, ok: true, gseq: 1, duplicate: true },
          { seq: 2, ok: true, gseq: 2 },
        ])
        // bob's own client id is his
        const own = await again.append('bind-w', 'b1', [ev('b1', 1)], none(1), undefined, 'bob')
        expect(own.results).toEqual([{ seq: 1, ok: true, gseq: 3 }])
        expect(await ownerOf(again, 'bind-w', 'b1')).toBe('bob')
      } finally {
        await again.close()
      }
    } finally {
      await s.close()
    }
  })

  it('a client id is claimed by the first push that records something (a refusal too), not by one that records nothing', async () => {
    const s = await factory.open()
    try {
      const forbidden: Verdict = { code: 'forbidden', reason: 'read only' }
      // a gap records nothing: no claim
      expect(
        (await s.append('claim', 'x', [ev('x', 2)], none(1), undefined, 'eve')).results[0],
      ).toMatchObject({
        code: 'gap',
      })
      // a stale judge records nothing: no claim
      expect((await s.append('claim', 'x', [ev('x', 1)], none(1), () => undefined, 'eve')).stale).toBe(true)
      expect(await ownerOf(s, 'claim', 'x')).toBeUndefined()
      expect(
        (await s.append('claim', 'x', [ev('x', 1)], none(1), undefined, 'ada')).results[0],
      ).toMatchObject({
        ok: true,
      })
      expect(await ownerOf(s, 'claim', 'x')).toBe('ada')
      // a new id whose first push is refused is its pusher's from then on
      const refused = await s.append('claim', 'r', [ev('r', 1)], [forbidden], undefined, 'eve')
      expect(refused.results).toEqual([{ seq: 1, ok: false, code: 'forbidden', reason: 'read only' }])
      expect(await ownerOf(s, 'claim', 'r')).toBe('eve')
      expect((await s.append('claim', 'r', [ev('r', 2)], none(1), undefined, 'ada')).taken).toBe(true)
    } finally {
      await s.close()
    }
  })

  it('two users racing to first use one client id through two handles (two nodes): one binds it, the other is refused', async () => {
    const one = await factory.open()
    const two = await factory.open()
    try {
      for (let round = 0; round < 8; round++) {
        const id = `race-bind-${round}`
        const [a, b] = await Promise.all([
          one.append('race-bind', id, [ev(id, 1)], none(1), undefined, 'ada'),
          two.append('race-bind', id, [ev(id, 1)], none(1), undefined, 'bob'),
        ])
        const won = [a, b].filter((r) => !r.taken)
        expect(won).toHaveLength(1)
        expect(won[0]!.results).toEqual([{ seq: 1, ok: true, gseq: round + 1 }])
        expect(await ownerOf(one, 'race-bind', id)).toBe(won[0] === a ? 'ada' : 'bob')
      }
      expect(await one.head('race-bind')).toBe(8)
    } finally {
      await one.close()
      await two.close()
    }
  })

  it('without a user id (no authentication) nothing is checked or bound, as before bindings', async () => {
    const s = await factory.open()
    try {
      await s.append('anon', 'c', [ev('c', 1)], none(1))
      expect(await ownerOf(s, 'anon', 'c')).toBeUndefined()
      const again = await s.append('anon', 'c', [ev('c', 1), ev('c', 2)], none(2))
      expect(again.results.map((r) => r.ok)).toEqual([true, true])
      expect(again.taken).toBeUndefined()
      // an anonymous push under a bound id is not checked either (trusted tools)
      await s.append('anon', 'b', [ev('b', 1)], none(1), undefined, 'ada')
      expect((await s.append('anon', 'b', [ev('b', 2)], none(1))).results[0]).toMatchObject({ ok: true })
      expect(await ownerOf(s, 'anon', 'b')).toBe('ada')
      // an id first used anonymously is bound like one from before bindings: by the first
      // authenticated push that appends an accepted event, not by a refusal
      const forbidden: Verdict = { code: 'forbidden', reason: 'read only' }
      await s.append('anon', 'c', [ev('c', 3)], [forbidden], undefined, 'eve')
      expect(await ownerOf(s, 'anon', 'c')).toBeUndefined()
      await s.append('anon', 'c', [ev('c', 4)], none(1), undefined, 'ada')
      expect(await ownerOf(s, 'anon', 'c')).toBe('ada')
      expect((await s.append('anon', 'c', [ev('c', 5)], none(1), undefined, 'eve')).taken).toBe(true)
    } finally {
      await s.close()
    }
  })

  it('readEncoded returns the same events as read, as JSON text', async () => {
    const s = await factory.open()
    try {
      await s.append(
        'enc',
        'c',
        [
          ev('c', 1, { t: 'é "q" \\ ✓', n: [1, null] }),
          ev('c', 2, null),
          { name: 'v1.Test', args: 3, clientId: 'c', seq: 3 },
        ],
        none(3),
      )
      const page = await s.readEncoded('enc', 0, 10)
      expect(page.count).toBe(3)
      expect(page.last).toBe(3)
      expect(JSON.parse(page.json)).toEqual(await s.read('enc', 0, 10))
      expect(await s.readEncoded('enc', 3, 10)).toEqual({ json: '[]', count: 0, last: 0 })
      expect(JSON.parse((await s.readEncoded('enc', 1, 1)).json)).toEqual(await s.read('enc', 1, 1))
    } finally {
      await s.close()
    }
  })

  it('keeps one replica image per store: newer or other-schema images replace it, older ones do not', async () => {
    const bytes = (...b: number[]) => new Uint8Array(b)
    let s = await factory.open()
    try {
      if (!s.saveImage || !s.loadImage) throw new Error('backend without replica images')
      expect(await s.loadImage('img')).toBeUndefined()
      await s.saveImage('img', { head: 5, schemaHash: 'h1', bytes: bytes(1, 2, 3) })
      await s.saveImage('other', { head: 9, schemaHash: 'h1', bytes: bytes(9) })
      await s.saveImage('img', { head: 3, schemaHash: 'h1', bytes: bytes(0) }) // older: ignored
      expect(await s.loadImage('img')).toEqual({ head: 5, schemaHash: 'h1', bytes: bytes(1, 2, 3) })
      await s.saveImage('img', { head: 5, schemaHash: 'h1', bytes: bytes(4, 5) }) // same head: replaces
      await s.saveImage('img', { head: 2, schemaHash: 'h2', bytes: bytes(6) }) // new schema: replaces
      await s.close()
      s = await factory.open() // and it is kept across reopen
      const kept = await s.loadImage!('img')
      expect(kept).toEqual({ head: 2, schemaHash: 'h2', bytes: bytes(6) })
      expect(kept?.bytes).toBeInstanceOf(Uint8Array)
      expect(await s.loadImage!('other')).toEqual({ head: 9, schemaHash: 'h1', bytes: bytes(9) })
    } finally {
      await s.close()
    }
  })

  it('refuses use after close with a typed error', async () => {
    const s = await factory.open()
    await s.close()
    await expect(s.head('x')).rejects.toMatchObject({ name: 'StorageError', code: 'closed' })
    await expect(s.loadImage!('x')).rejects.toMatchObject({ name: 'StorageError', code: 'closed' })
  })
}

/**
 * A database made before client ids were bound to users (decision 0043, 2026-12
 * amendment), holding store `old`: client `w`'s events seq 1 and 2 (gseq 1, 2), its seq 3
 * refused (`invalid`, 'bad'), lastSeq 3. `open` opens it with the current code (which
 * migrates it); the data is kept and the old id is bound by the first accepted push.
 */
export async function migratedDatabaseConformance(open: () => Promise<SyncStorage>): Promise<void> {
  const s = await open()
  try {
    expect(await s.head('old')).toBe(2)
    expect(await s.lastSeq('old', 'w')).toBe(3)
    expect((await s.read('old', 0, 10)).map((e) => [e.gseq, e.clientId, e.seq, e.args])).toEqual([
      [1, 'w', 1, { n: 1 }],
      [2, 'w', 2, { n: 2 }],
    ])
    expect(await ownerOf(s, 'old', 'w')).toBeUndefined()
    // re-pushing reports the recorded outcomes and records nothing: no claim
    const dup = await s.append('old', 'w', [ev('w', 2), ev('w', 3)], none(2), undefined, 'ada')
    expect(dup.results).toEqual([
      { seq: 2, ok: true, gseq: 2, duplicate: true },
      { seq: 3, ok: false, code: 'invalid', reason: 'bad', duplicate: true },
    ])
    expect(await ownerOf(s, 'old', 'w')).toBeUndefined()
    // an id from before bindings is claimed only by a push that appends: a reader's
    // refused push does not take it from its writer
    const forbidden: Verdict = { code: 'forbidden', reason: 'read only' }
    const eve = await s.append('old', 'w', [ev('w', 4)], [forbidden], undefined, 'eve')
    expect(eve.results).toEqual([{ seq: 4, ok: false, code: 'forbidden', reason: 'read only' }])
    expect(await ownerOf(s, 'old', 'w')).toBeUndefined()
    const ada = await s.append('old', 'w', [ev('w', 5)], none(1), undefined, 'ada')
    expect(ada.results).toEqual([{ seq: 5, ok: true, gseq: 3 }])
    expect(await ownerOf(s, 'old', 'w')).toBe('ada')
    expect((await s.append('old', 'w', [ev('w', 6)], [forbidden], undefined, 'eve')).taken).toBe(true)
    expect((await s.append('old', 'w', [ev('w', 6)], none(1), undefined, 'bob')).taken).toBe(true)
    // new ids in the migrated database are bound as anywhere else
    await s.append('old', 'n', [ev('n', 1)], none(1), undefined, 'bob')
    expect(await ownerOf(s, 'old', 'n')).toBe('bob')
  } finally {
    await s.close()
  }
  // opening again migrates nothing twice and keeps the bindings
  const again = await open()
  try {
    expect(await ownerOf(again, 'old', 'w')).toBe('ada')
    expect(await again.lastSeq('old', 'w')).toBe(5)
    expect(
      (await again.append('old', 'w', [ev('w', 6)], none(1), undefined, 'ada')).results[0],
    ).toMatchObject({
      ok: true,
      gseq: 5, // after n's seq 1
    })
  } finally {
    await again.close()
  }
}
