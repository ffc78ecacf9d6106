/**
 * The store schema the end-to-end tests sync: todos created, renamed and deleted. The
 * server validates with the same schema; `strictServerEvents` is a server-side variant
 * that refuses titles longer than 20 characters, so tests can provoke a rejection the
 * client's own validation let through (an older client, a laxer client build).
 */
import { Column, Events, makeSchema, table } from '@strata/store'
import { z } from 'zod'

/** Per-device UI state (seed 003: "don't sync UI state"), written by a client-only event. */
export const ui = table('ui', {
  key: Column.text({ primaryKey: true }),
  value: Column.text(),
})

export const todos = table('todos', {
  id: Column.text({ primaryKey: true }),
  title: Column.text(),
  by: Column.text({ default: '' }),
})

const created = z.object({ id: z.string(), title: z.string(), by: z.string().optional() })
const renamed = z.object({ id: z.string(), title: z.string() })
const deleted = z.object({ id: z.string() })

export const events = {
  todoCreated: Events.synced({ name: 'v1.TodoCreated', schema: created }),
  todoRenamed: Events.synced({ name: 'v1.TodoRenamed', schema: renamed }),
  todoDeleted: Events.synced({ name: 'v1.TodoDeleted', schema: deleted }),
  filterChanged: Events.clientOnly({ name: 'v1.FilterChanged', schema: z.object({ filter: z.string() }) }),
}

export const schema = makeSchema({
  events,
  tables: { todos, ui },
  materializers: {
    // upsert: the same todo created twice (e.g. on two devices) stays one row.
    'v1.TodoCreated': ({ id, title, by }, db) => db.upsert(todos, { id, title, by: by ?? '' }),
    'v1.TodoRenamed': ({ id, title }, db) => {
      db.update(todos, { id }, { title })
    },
    'v1.TodoDeleted': ({ id }, db) => {
      db.delete(todos, { id })
    },
    'v1.FilterChanged': ({ filter }, db) => db.upsert(ui, { key: 'filter', value: filter }),
  },
})

/** Server-side schemas: like the client's, but titles are at most 20 characters. */
export const strictServerEvents = {
  'v1.TodoCreated': created.extend({ title: z.string().max(20) }),
  'v1.TodoRenamed': renamed.extend({ title: z.string().max(20) }),
  'v1.TodoDeleted': deleted,
}
