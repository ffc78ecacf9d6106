import { describe, expect, it } from 'vitest'
import { open, seal } from './envelope.js'
import { DecodeError } from './errors.js'

describe('envelope', () => {
  it('seals JSON with its version and opens it back', () => {
    expect(seal(2, { a: 1 })).toBe('{"v":2,"d":{"a":1}}')
    expect(open('k', seal(2, { a: 1 }))).toEqual({ version: 2, data: { a: 1 } })
  })

  it('undefined round-trips as undefined; null and old stored nulls stay null', () => {
    expect(seal(0, undefined)).toBe('{"v":0,"d":null,"u":1}')
    expect(open('k', seal(0, undefined))).toEqual({ version: 0, data: undefined })
    expect(open('k', seal(0, null))).toEqual({ version: 0, data: null })
    // what earlier versions stored for undefined (and still read as null)
    expect(open('k', '{"v":0,"d":null}')).toEqual({ version: 0, data: null })
    expect(open('k', seal(0, undefined)).data).toBeUndefined()
  })

  it('uses a custom codec when given', () => {
    const raw = seal(1, new Set([1, 2]) as never, (s: Set<number>) => [...s].join(','))
    expect(open('k', raw, (t) => new Set(t.split(',').map(Number)))).toEqual({
      version: 1,
      data: new Set([1, 2]),
    })
  })

  it('rejects what is not an envelope with a DecodeError naming the key', () => {
    for (const bad of ['', '{', '5', '{"d":1}', '{"v":"1","d":1}', '{"v":1}', '{"v":1,"e":5}']) {
      expect(() => open('key-x', bad)).toThrow(DecodeError)
    }
    expect(() => open('key-x', '{')).toThrow(/key-x/)
    expect(() => open('k', '{"v":1,"e":"x"}')).toThrow(/no decode/)
    expect(() =>
      open('k', '{"v":1,"e":"x"}', () => {
        throw new Error('boom')
      }),
    ).toThrow(/boom/)
  })
})
