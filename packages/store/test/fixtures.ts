/**
 * Shared test schema: todos (synced events) and a client-only filter. Used by the
 * store's unit and integration tests.
 */
import { z } from 'zod'
import { Column, Events, makeSchema, table } from '../src/index.js'

export const todos = table(
  'todos',
  {
    id: Column.text({ primaryKey: true }),
    title: Column.text(),
    done: Column.boolean({ default: false }),
    position: Column.integer({ default: 0 }),
    tags: Column.json<string[]>({ default: [] }),
    deletedAt: Column.integer({ nullable: true }),
  },
  { indexes: [{ columns: ['done', 'position'] }] },
)

export const uiFilter = table('ui_filter', {
  id: Column.text({ primaryKey: true }),
  filter: Column.text({ default: 'all' }),
})

export const events = {
  todoCreated: Events.synced({
    name: 'v1.TodoCreated',
    schema: z.object({
      id: z.string().min(1),
      title: z.string().min(1),
      position: z.number().int().optional(),
      tags: z.array(z.string()).optional(),
    }),
  }),
  todoCompleted: Events.synced({ name: 'v1.TodoCompleted', schema: z.object({ id: z.string() }) }),
  todoRenamed: Events.synced({
    name: 'v1.TodoRenamed',
    schema: z.object({ id: z.string(), title: z.string().min(1) }),
  }),
  todoDeleted: Events.synced({
    name: 'v1.TodoDeleted',
    schema: z.object({ id: z.string(), deletedAt: z.number() }),
  }),
  todosCleared: Events.synced({ name: 'v1.TodosCleared', schema: z.object({}) }),
  todoExploded: Events.synced({ name: 'v1.TodoExploded', schema: z.object({ id: z.string() }) }),
  filterSet: Events.clientOnly({
    name: 'v1.FilterSet',
    schema: z.object({ filter: z.enum(['all', 'open', 'done']) }),
  }),
}

export const schema = makeSchema({
  events,
  tables: { todos, uiFilter },
  materializers: {
    'v1.TodoCreated': ({ id, title, position, tags }, db) => {
      db.insert(todos, { id, title, position: position ?? 0, tags: tags ?? [] })
    },
    'v1.TodoCompleted': ({ id }, db) => {
      db.update(todos, { id }, { done: true })
    },
    'v1.TodoRenamed': ({ id, title }, db) => {
      db.update(todos, { id }, { title })
    },
    'v1.TodoDeleted': ({ id, deletedAt }, db) => {
      db.update(todos, { id }, { deletedAt })
    },
    'v1.TodosCleared': (_args, db) => {
      db.delete(todos, { done: true })
    },
    'v1.TodoExploded': ({ id }, db) => {
      db.insert(todos, { id, title: 'half-written' })
      throw new Error(`boom ${id}`)
    },
    'v1.FilterSet': ({ filter }, db) => {
      db.upsert(uiFilter, { id: 'default', filter })
    },
  },
})
