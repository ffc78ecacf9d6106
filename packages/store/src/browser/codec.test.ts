import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64, decodeBatch, encodeBatch, type JournalRecord } from './codec.js'

describe('journal codec', () => {
  it('round-trips records with text, numbers, null, BLOBs and bigints', () => {
    const records: JournalRecord[] = [
      { seq: 1, ops: [{ sql: 'CREATE TABLE t (a, b)' }] },
      {
        seq: 2,
        ops: [
          { sql: 'INSERT INTO t VALUES (?, ?)', params: ['x', 1.5] },
          { sql: 'INSERT INTO t VALUES (?, ?)', params: [null, new Uint8Array([0, 255, 7])] },
          { sql: 'INSERT INTO t VALUES (?, ?)', params: [2n ** 60n, 'text'] },
        ],
      },
    ]
    const back = decodeBatch(encodeBatch(records))
    expect(back[0]).toEqual(records[0])
    expect(back[1]?.ops[0]).toEqual(records[1]?.ops[0])
    expect(back[1]?.ops[1]?.params?.[1]).toEqual(new Uint8Array([0, 255, 7]))
    expect(back[1]?.ops[2]?.params?.[0]).toBe(2n ** 60n)
  })

  it('keeps the forwarded-commit tags of a record (and records without tags stay without)', () => {
    const records: JournalRecord[] = [
      { seq: 1, ops: [{ sql: 'INSERT INTO t VALUES (1)' }], tags: ['tab1.1'] },
      { seq: 2, ops: [{ sql: 'INSERT INTO t VALUES (2)' }] },
    ]
    expect(decodeBatch(encodeBatch(records))).toEqual(records)
    expect(() => decodeBatch(new TextEncoder().encode('{"v":1,"r":[{"s":1,"o":[],"t":[3]}]}'))).toThrow(
      /record 1 has malformed tags/,
    )
  })

  it('round-trips the numbers JSON cannot hold: ±Infinity, NaN and -0 (were null, null, null, 0)', () => {
    const params = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, -0, 0, 1.5, -2]
    const [back] = decodeBatch(encodeBatch([{ seq: 1, ops: [{ sql: 'INSERT INTO t VALUES (?)', params }] }]))
    const got = back?.ops[0]?.params ?? []
    expect(got).toHaveLength(params.length)
    for (const [i, v] of params.entries())
      expect(Object.is(got[i], v), `param ${i}: ${String(got[i])}`).toBe(true)
  })

  it('still reads files written before numbers were tagged', () => {
    // What the previous version wrote for [1.5, Infinity, -0, 'x', null]: JSON's null and 0.
    const old = '{"v":1,"r":[{"s":1,"o":[["INSERT INTO t VALUES (?,?,?,?,?)",[1.5,null,0,"x",null]]]}]}'
    expect(decodeBatch(new TextEncoder().encode(old))[0]?.ops[0]?.params).toEqual([1.5, null, 0, 'x', null])
  })

  it('rejects bytes that are not a batch, with a reason', () => {
    expect(() => decodeBatch(new TextEncoder().encode('{"v":9,"r":[]}'))).toThrow(
      /unsupported journal format 9/,
    )
    expect(() => decodeBatch(new TextEncoder().encode('{"v":1,"r":[{"s":"x"}]}'))).toThrow(
      /record 0 is malformed/,
    )
    expect(() => decodeBatch(new Uint8Array([0xff, 0xfe]))).toThrow()
  })

  it('base64 matches the platform encoding for large inputs', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256)
    expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes)
  })
})
