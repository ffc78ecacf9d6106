import { describe, expect, it } from 'vitest'
import { schema } from '../../test/fixtures.js'
import { EventValidationError, UnknownEventError } from '../errors.js'
import { validateEvent } from './validate.js'

describe('validateEvent (shared with the server)', () => {
  it('accepts a valid record and returns the validated payload', () => {
    expect(validateEvent(schema, { name: 'v1.TodoCompleted', args: { id: 'a' } })).toEqual({
      ok: true,
      value: { id: 'a' },
    })
  })
  it('names the failing field', () => {
    const r = validateEvent(schema, { name: 'v1.TodoCreated', args: { id: 'a', tags: [1] } })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(EventValidationError)
      expect((r.error as EventValidationError).issues.map((i) => i.path)).toEqual(['title', 'tags.0'])
    }
  })
  it('reports unknown names', () => {
    const r = validateEvent(schema, { name: 'v1.Nope', args: {} })
    expect(!r.ok && r.error).toBeInstanceOf(UnknownEventError)
  })
})
