import { describe, expect, it } from 'vitest'
import { QueryError } from '../errors.js'
import { rawSql } from './query.js'

describe('raw SQL', () => {
  it('accepts a bigint parameter (the key encodes it; SQLite binds it)', () => {
    expect(() => rawSql('SELECT ? AS x', [1n])).not.toThrow()
    expect(rawSql('SELECT ? AS x', [1n]).compile().key).not.toBe(rawSql('SELECT ? AS x', [1]).compile().key)
  })
  it('refuses a parameter SQLite cannot bind with a QueryError', () => {
    expect(() => rawSql('SELECT ? AS x', [new Date(0)])).toThrow(QueryError)
    expect(() => rawSql('SELECT ? AS x', [{ a: 1 }])).toThrow(/parameter 1 cannot be bound/)
  })
})
