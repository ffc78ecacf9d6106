import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { SchemaError } from '../errors.js'
import { Events } from '../events/define.js'
import { Column } from '../tables/columns.js'
import { table } from '../tables/table.js'
import { fnv1a, makeSchema } from './make-schema.js'

const t = table('t', { id: Column.text({ primaryKey: true }) })
const e = Events.synced({ name: 'v1.E', schema: z.object({}) })

describe('makeSchema', () => {
  it('hashes the table DDL', () => {
    const a = makeSchema({ events: { e }, tables: { t }, materializers: { 'v1.E': () => undefined } })
    const t2 = table('t', { id: Column.text({ primaryKey: true }), x: Column.integer({ default: 1 }) })
    const b = makeSchema({ events: { e }, tables: { t: t2 }, materializers: { 'v1.E': () => undefined } })
    expect(a.hash).toMatch(/^[0-9a-f]{8}$/)
    expect(a.hash).not.toBe(b.hash)
    expect(b.ddl[0]).toBe(
      'CREATE TABLE IF NOT EXISTS "t" ("id" TEXT PRIMARY KEY NOT NULL, "x" INTEGER NOT NULL DEFAULT 1)',
    )
  })
  it('hashes stateVersion with the DDL; leaving it out keeps the DDL-only hash', () => {
    const at = (stateVersion?: number | string) =>
      makeSchema({
        events: { e },
        tables: { t },
        materializers: { 'v1.E': () => undefined },
        ...(stateVersion === undefined ? {} : { stateVersion }),
      }).hash
    expect(at()).toBe(
      fnv1a(
        makeSchema({ events: { e }, tables: { t }, materializers: { 'v1.E': () => undefined } }).ddl.join(
          ';\n',
        ),
      ),
    )
    expect(new Set([at(), at(1), at(2), at('1'), at('v2')]).size).toBe(5)
    expect(at(2)).toBe(at(2))
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '', null, {}]) {
      expect(() => at(bad as never)).toThrow(SchemaError)
    }
    expect(() => at('')).toThrow(/stateVersion must be a finite number or a non-empty string/)
  })
  it('refuses missing materializers, orphans, duplicates and bad names', () => {
    expect(() => makeSchema({ events: { e }, tables: { t }, materializers: {} as never })).toThrow(
      /has no materializer/,
    )
    expect(() =>
      makeSchema({ events: {}, tables: {}, materializers: { 'v1.X': () => undefined } as never }),
    ).toThrow(SchemaError)
    expect(() =>
      makeSchema({
        events: { e, f: Events.synced({ name: 'v1.E', schema: z.object({}) }) },
        tables: {},
        materializers: { 'v1.E': () => undefined },
      }),
    ).toThrow(/twice/)
    expect(() => Events.synced({ name: 'Nope', schema: z.object({}) })).toThrow(SchemaError)
    expect(() => table('bad name', { id: Column.text({ primaryKey: true }) })).toThrow(SchemaError)
    expect(() => table('nopk', { id: Column.text() })).toThrow(/primary key/)
    expect(() => table('__strata_x', { id: Column.text({ primaryKey: true }) })).toThrow(/reserved/)
  })

  it('refuses table names that differ only in case (one SQL table)', () => {
    const a = table('todos', { id: Column.text({ primaryKey: true }) })
    const b = table('Todos', { id: Column.text({ primaryKey: true }), extra: Column.text() })
    expect(() => makeSchema({ events: {}, tables: { a, b }, materializers: {} })).toThrow(SchemaError)
  })

  it('refuses index names that collide (default names, explicit names, a table name, any case)', () => {
    const ab = table(
      'a_b',
      { id: Column.text({ primaryKey: true }), c: Column.text() },
      { indexes: [{ columns: ['c'] }] },
    )
    const a = table(
      'a',
      { id: Column.text({ primaryKey: true }), b_c: Column.text() },
      { indexes: [{ columns: ['b_c'], unique: true }] },
    )
    expect(() => makeSchema({ events: {}, tables: { ab, a }, materializers: {} })).toThrow(/a_b_c_idx/)
    const named = table(
      'n',
      { id: Column.text({ primaryKey: true }) },
      { indexes: [{ columns: ['id'], name: 'T' }] },
    )
    expect(() => makeSchema({ events: {}, tables: { t, named }, materializers: {} })).toThrow(SchemaError)
    expect(() => makeSchema({ events: {}, tables: { ab }, materializers: {} })).not.toThrow()
  })
})

describe('table', () => {
  it('reserves the __strata prefix in any case', () => {
    for (const name of ['__strata_x', '__Strata_state', '__STRATA_log'])
      expect(() => table(name, { id: Column.text({ primaryKey: true }) })).toThrow(SchemaError)
  })

  it('refuses column names that differ only in case', () => {
    expect(() => table('t', { id: Column.text({ primaryKey: true }), ID: Column.text() })).toThrow(
      SchemaError,
    )
  })
})
