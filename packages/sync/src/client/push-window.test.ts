import { describe, expect, it } from 'vitest'
import { SyncConfigError } from '../errors.js'
import { createPushWindow } from './push-window.js'

const ev = (...seqs: number[]) => seqs.map((seq) => ({ seq }))
const seqsOf = (batches: { events: { seq: number }[] }[]) => batches.map((b) => b.events.map((e) => e.seq))

describe('createPushWindow', () => {
  it('splits pending events into batches of batchSize, in seq order', () => {
    const w = createPushWindow({ batchSize: 2, maxInFlight: 10 })
    w.reset(0)
    expect(seqsOf(w.take(ev(1, 2, 3, 4, 5)))).toEqual([[1, 2], [3, 4], [5]])
    expect(w.sentUpTo).toBe(5)
  })

  it('never sends an event twice on one connection', () => {
    const w = createPushWindow({ batchSize: 10, maxInFlight: 10 })
    w.reset(0)
    w.take(ev(1, 2))
    expect(seqsOf(w.take(ev(1, 2, 3)))).toEqual([[3]])
    expect(w.take(ev(1, 2, 3))).toEqual([])
  })

  it('holds back batches beyond maxInFlight until an ack frees a slot', () => {
    const w = createPushWindow({ batchSize: 1, maxInFlight: 2 })
    w.reset(0)
    const first = w.take(ev(1, 2, 3, 4))
    expect(seqsOf(first)).toEqual([[1], [2]])
    expect(w.inFlight).toBe(2)
    w.ack(first[0]!.id)
    expect(seqsOf(w.take(ev(1, 2, 3, 4)))).toEqual([[3]])
  })

  it('starts after the server lastSeq on reset (re-push from lastSeq+1 after reconnect)', () => {
    const w = createPushWindow({ batchSize: 10, maxInFlight: 1 })
    w.reset(0)
    w.take(ev(1, 2, 3))
    w.reset(2) // reconnected: the server had processed 1 and 2, not 3
    expect(w.inFlight).toBe(0)
    expect(seqsOf(w.take(ev(1, 2, 3, 4)))).toEqual([[3, 4]])
  })

  it('caps a batch by a per-take event count and by bytes (one oversize event still goes alone)', () => {
    const w = createPushWindow({ batchSize: 10, maxInFlight: 10 })
    w.reset(0)
    const size = (e: { seq: number }) => (e.seq === 4 ? 50 : 10)
    expect(seqsOf(w.take(ev(1, 2, 3, 4, 5, 6, 7), { events: 5, bytes: 25, size }))).toEqual([
      [1, 2],
      [3],
      [4],
      [5, 6],
      [7],
    ])
  })

  it('sends nothing from an event over `alone` on, and names it until a take gets past it', () => {
    const w = createPushWindow({ batchSize: 10, maxInFlight: 1 })
    w.reset(0)
    const size = (e: { seq: number }) => (e.seq === 3 ? 50 : 10)
    const limit = { bytes: 25, alone: 40, size }
    const first = w.take(ev(1, 2, 3, 4), limit)
    expect(seqsOf(first)).toEqual([[1, 2]])
    expect(w.oversize).toBeUndefined()
    w.ack(first[0]!.id)
    expect(w.take(ev(1, 2, 3, 4), limit)).toEqual([])
    expect(w.oversize).toEqual({ event: { seq: 3 }, size: 50 })
    expect(w.sentUpTo).toBe(2)
    expect(w.take(ev(1, 2, 3, 4), limit)).toEqual([]) // still stuck, still named
    expect(w.oversize?.event.seq).toBe(3)
    w.reset(2) // a new connection: its limit decides again
    expect(w.oversize).toBeUndefined()
    // a larger limit lets it go alone
    expect(seqsOf(w.take(ev(1, 2, 3, 4), { ...limit, alone: 60 }))).toEqual([[3]])
    expect(w.oversize).toBeUndefined()
  })

  it('skips gaps left by rejected events', () => {
    const w = createPushWindow({ batchSize: 10, maxInFlight: 1 })
    w.reset(1)
    expect(seqsOf(w.take(ev(3, 5, 6)))).toEqual([[3, 5, 6]])
  })

  it.each([
    [{ batchSize: 0, maxInFlight: 1 }, 'batchSize'],
    [{ batchSize: 1.5, maxInFlight: 1 }, 'batchSize'],
    [{ batchSize: 1, maxInFlight: 0 }, 'maxInFlight'],
  ])('rejects %o with a SyncConfigError on %s', (opts, option) => {
    expect(() => createPushWindow(opts)).toThrowError(SyncConfigError)
    try {
      createPushWindow(opts)
    } catch (e) {
      expect((e as SyncConfigError).option).toBe(option)
    }
  })
})
