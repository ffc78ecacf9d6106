/**
 * Type tests: wrong payloads, unknown columns, wrong column types and wrong query
 * shapes must fail to compile. Checked by `npm run typecheck`; never executed.
 */
import { z } from 'zod'
import { events, type schema, todos } from '../test/fixtures.js'
import type { Store } from './index.js'
import { Column, Events, makeSchema, rawSql, table } from './index.js'

declare const store: Store<typeof schema>

// Event constructors are typed by their schema.
events.todoCreated({ id: 'a', title: 'A' })
// @ts-expect-error title must be a string
events.todoCreated({ id: 'a', title: 1 })
// @ts-expect-error id is required
events.todoCreated({ title: 'A' })

// commit only accepts events of the store's schema.
store.commit(events.todoCompleted({ id: 'a' }))
// @ts-expect-error not an event of this schema
store.commit({ name: 'v9.Unknown', args: {} })

// Query results are typed from the table definition.
const row = store.query(todos.where({ id: 'a' }).first())
const title: string | undefined = row?.title
const done: boolean | undefined = row?.done
const tags: string[] | undefined = row?.tags
const deletedAt: number | null | undefined = row?.deletedAt
// @ts-expect-error title is a string, not a number
const wrong: number | undefined = row?.title
const n: number = store.query(todos.count())
const picked = store.query(todos.select('id', 'done'))
const pickedId: string | undefined = picked[0]?.id
// @ts-expect-error title was not selected
picked[0]?.title
void [title, done, tags, deletedAt, wrong, n, pickedId]

// Filters are checked against columns.
todos.where({ done: true })
todos.where({ position: { gte: 3 } })
todos.where('position', '>=', 3)
// @ts-expect-error unknown column
todos.where({ nope: 1 })
// @ts-expect-error done is boolean
todos.where({ done: 'yes' })
// @ts-expect-error unknown column in orderBy
todos.orderBy('nope')
// @ts-expect-error unknown column in select
todos.select('nope')

// Raw SQL carries a declared result type.
const raw: { n: number }[] = store.query(rawSql<{ n: number }[]>('SELECT count(*) AS n FROM todos'))
void raw

// Materializers receive typed payloads and write typed rows.
const t = table('t', {
  id: Column.text({ primaryKey: true }),
  n: Column.integer(),
  note: Column.text({ nullable: true }),
})
const created = Events.synced({ name: 'v1.TCreated', schema: z.object({ id: z.string(), n: z.number() }) })
makeSchema({
  events: { created },
  tables: { t },
  materializers: {
    'v1.TCreated': ({ id, n }, db) => {
      db.insert(t, { id, n })
      // @ts-expect-error n is required on insert
      db.insert(t, { id })
      // @ts-expect-error n is a number
      db.update(t, { id }, { n: 'x' })
    },
  },
})
makeSchema({
  events: { created },
  tables: { t },
  materializers: {
    // @ts-expect-error the payload has no field "title"
    'v1.TCreated': ({ title }: { title: string }) => void title,
  },
})
makeSchema({
  events: { created },
  tables: { t },
  // @ts-expect-error every event needs a materializer
  materializers: {},
})
