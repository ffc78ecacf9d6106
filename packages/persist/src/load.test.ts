import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { MigrationError, SchemaError, VersionError } from './errors.js'
import { load } from './load.js'

const base = { key: 'k', version: 2, merge: (s: unknown) => s }

describe('load pipeline', () => {
  it('is synchronous when every step is', () => {
    const r = load({ ...base }, '{"v":2,"d":7}')
    expect(r).toEqual({ ok: true, value: 7, migrated: false })
  })

  it('validates with any Standard Schema (valibot here)', () => {
    const schema = v.object({ n: v.number() })
    expect(load({ ...base, schema }, '{"v":2,"d":{"n":1}}')).toEqual({
      ok: true,
      value: { n: 1 },
      migrated: false,
    })
    const bad = load({ ...base, schema }, '{"v":2,"d":{"n":"x"}}')
    expect(bad).toMatchObject({ ok: false, quarantine: true })
    expect((bad as { error: unknown }).error).toBeInstanceOf(SchemaError)
  })

  it('becomes async only when a step is async', async () => {
    const r = load({ ...base, migrate: async (x) => [x] }, '{"v":1,"d":1}')
    expect(r).toBeInstanceOf(Promise)
    expect(await r).toEqual({ ok: true, value: [1], migrated: true })
  })

  it('newer version: not quarantined (kept as is), VersionError', () => {
    const r = load({ ...base }, '{"v":3,"d":1}')
    expect(r).toMatchObject({ ok: false, quarantine: false })
    expect((r as { error: unknown }).error).toBeInstanceOf(VersionError)
  })

  it('a throwing migration is a MigrationError to quarantine', () => {
    const r = load(
      {
        ...base,
        migrate: () => {
          throw new Error('bad step')
        },
      },
      '{"v":0,"d":1}',
    )
    expect(r).toMatchObject({ ok: false, quarantine: true })
    expect((r as { error: Error }).error).toBeInstanceOf(MigrationError)
    expect((r as { error: Error }).error.message).toMatch(/bad step/)
  })

  it('a throwing merge or schema is a SchemaError to quarantine, not a thrown error', async () => {
    const boom = () => {
      throw new TypeError('expected an object')
    }
    const r = load({ ...base, merge: boom }, '{"v":2,"d":42}')
    expect(r).toMatchObject({ ok: false, quarantine: true })
    const err = (r as { error: unknown }).error as SchemaError
    expect(err).toBeInstanceOf(SchemaError)
    expect(err.message).toMatch(/expected an object/)
    expect(err.cause).toBeInstanceOf(TypeError)
    const schema = { '~standard': { version: 1 as const, vendor: 'x', validate: async () => boom() } }
    const a = await load({ ...base, schema }, '{"v":2,"d":42}')
    expect(a).toMatchObject({ ok: false, quarantine: true })
    expect((a as { error: unknown }).error).toBeInstanceOf(SchemaError)
  })
})
