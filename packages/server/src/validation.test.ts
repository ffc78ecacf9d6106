import { Column, Events, makeSchema, table } from '@strata/store'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validatePushedEvent } from './validation.js'

const ev = (name: string, args: unknown) => ({ name, args, clientId: 'c', seq: 1 })

describe('validatePushedEvent with a @strata/store schema', () => {
  const projects = table('projects', { id: Column.text({ primaryKey: true }), name: Column.text() })
  const events = {
    projectCreated: Events.synced({
      name: 'v1.ProjectCreated',
      schema: z.object({ id: z.string().min(1), name: z.string().min(1) }),
    }),
    viewChanged: Events.clientOnly({ name: 'v1.ViewChanged', schema: z.object({ view: z.string() }) }),
  }
  const schema = makeSchema({
    events,
    tables: { projects },
    materializers: {
      'v1.ProjectCreated': ({ id, name }, db) => db.insert(projects, { id, name }),
      'v1.ViewChanged': () => {},
    },
  })

  it('accepts a valid synced event', async () => {
    expect(
      await validatePushedEvent(schema, ev('v1.ProjectCreated', { id: 'p1', name: 'Apollo' })),
    ).toBeUndefined()
  })
  it('refuses invalid args with the store’s own message', async () => {
    const v = await validatePushedEvent(schema, ev('v1.ProjectCreated', { id: 'p1', name: '' }))
    expect(v?.code).toBe('invalid')
    expect(v?.reason).toContain('v1.ProjectCreated')
    expect(v?.reason).toContain('name')
  })
  it('refuses unknown and client-only events as unknown_event', async () => {
    expect((await validatePushedEvent(schema, ev('v1.Nope', {})))?.code).toBe('unknown_event')
    expect((await validatePushedEvent(schema, ev('v1.ViewChanged', { view: 'x' })))?.code).toBe(
      'unknown_event',
    )
  })
})

describe('validatePushedEvent with a plain Standard Schema map', () => {
  const map = {
    'v1.A': z.object({ n: z.number() }),
    'v1.Async': z.object({ n: z.number() }).refine(async (v) => v.n > 0, 'must be positive'),
  }
  it('validates sync and async schemas and names the field', async () => {
    expect(await validatePushedEvent(map, ev('v1.A', { n: 1 }))).toBeUndefined()
    expect(await validatePushedEvent(map, ev('v1.A', { n: 'x' }))).toMatchObject({
      code: 'invalid',
      reason: expect.stringContaining('args.n'),
    })
    expect(await validatePushedEvent(map, ev('v1.Async', { n: -1 }))).toMatchObject({
      code: 'invalid',
      reason: expect.stringContaining('must be positive'),
    })
  })
  it('does not treat inherited object keys as event names', async () => {
    expect((await validatePushedEvent(map, ev('toString', {})))?.code).toBe('unknown_event')
  })
})
