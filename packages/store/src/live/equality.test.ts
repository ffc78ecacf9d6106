import { describe, expect, it } from 'vitest'
import { equalResult } from './equality.js'

describe('equalResult', () => {
  it('compares rows structurally', () => {
    expect(equalResult([{ a: 1, b: [1, { c: null }] }], [{ a: 1, b: [1, { c: null }] }])).toBe(true)
    expect(equalResult([{ a: 1 }], [{ a: 2 }])).toBe(false)
    expect(equalResult([{ a: 1 }], [{ a: 1, b: 2 }])).toBe(false)
    expect(equalResult([1, 2], [1])).toBe(false)
    expect(equalResult({ 0: 1 }, [1])).toBe(false)
    expect(equalResult(Number.NaN, Number.NaN)).toBe(true)
    expect(equalResult(undefined, null)).toBe(false)
  })
})
