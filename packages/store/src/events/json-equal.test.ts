import { describe, expect, it } from 'vitest'
import { jsonEqual } from './json-equal.js'

describe('jsonEqual', () => {
  it('ignores object key order, not array order, types or missing keys', () => {
    expect(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true)
    expect(jsonEqual([1, 2], [2, 1])).toBe(false)
    expect(jsonEqual({ a: 1 }, { a: '1' })).toBe(false)
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false)
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false)
    expect(jsonEqual([], {})).toBe(false)
    expect(jsonEqual(null, {})).toBe(false)
  })
})
