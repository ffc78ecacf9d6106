// The benchmark's store schema: one synced event that upserts a row. The server
// validates pushes with it; clients materialize with it.
import { Column, Events, makeSchema, table } from '@strata/store'
import { z } from 'zod'

export const items = table('items', {
  id: Column.text({ primaryKey: true }),
  n: Column.integer(),
  text: Column.text(),
})

export const itemSet = Events.synced({
  name: 'v1.ItemSet',
  schema: z.object({ id: z.string(), n: z.number().int(), text: z.string() }),
})

export const schema = makeSchema({
  events: { itemSet },
  tables: { items },
  materializers: { 'v1.ItemSet': (a, db) => db.upsert(items, a) },
})

/** A payload of realistic size (~100 bytes of JSON). */
export const payload = (i) => ({ id: `item-${i}`, n: i, text: 'the quick brown fox jumps over the lazy dog' })
