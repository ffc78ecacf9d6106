/**
 * Server-side event validation with the clients' own event schemas, so a client cannot
 * push what a materializer would reject. A store schema (`makeSchema(...)` from
 * `@strata/store`) is checked with the store's own `validateEvent` — the same verdicts
 * the clients reach before committing; a plain `{ name: StandardSchema }` map is
 * checked through Standard Schema directly (async schemas allowed).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type StoreSchema, UnknownEventError, validateEvent } from '@strata/store'
import type { PushedEvent } from '@strata/sync'
import type { Verdict } from './storage/storage.js'

/**
 * Event definitions the server validates against: a store schema, or
 * `{ [eventName]: StandardSchema }`.
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * const events: EventSchemas = { 'v1.TodoCreated': z.object({ id: z.string(), title: z.string() }) }
 * ```
 */
export type EventSchemas = Pick<StoreSchema, 'eventsByName'> | Readonly<Record<string, StandardSchemaV1>>

function isStoreSchema(s: EventSchemas): s is Pick<StoreSchema, 'eventsByName'> {
  return 'eventsByName' in s && s.eventsByName instanceof Map
}

function pathOf(path: StandardSchemaV1.Issue['path']): string {
  if (!path || path.length === 0) return 'args'
  return `args.${path.map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.')}`
}

/**
 * Refuses an event whose name holds U+0000 (NUL): names are stored as text, which Postgres
 * refuses to hold it, so every storage refuses it alike, as one event's verdict (not a
 * failed push the client would retry forever). Args may hold it: they are stored as JSON
 * text, where it is the escape `\u0000`.
 *
 * @param event - the pushed event
 * @returns the verdict refusing it, or `undefined`
 * @example
 * ```ts
 * nulVerdict({ name: 'v1.A\u0000', args: {}, clientId: 'c', seq: 1 }) // { code: 'invalid', … }
 * ```
 */
export function nulVerdict(event: PushedEvent): Verdict | undefined {
  if (!event.name.includes('\0')) return undefined
  return { code: 'invalid', reason: 'the event name contains U+0000 (NUL), which the server cannot store' }
}

/**
 * Validates one pushed event.
 *
 * @param schemas - the event definitions
 * @param event - the pushed event
 * @returns `undefined` when valid, or the {@link Verdict} refusing it
 * @example
 * ```ts
 * const verdict = await validatePushedEvent(events, { name: 'v1.TodoCreated', args: { id: 1 }, clientId: 'c', seq: 1 })
 * // { code: 'invalid', reason: 'v1.TodoCreated args.id: Invalid input: expected string, received number' }
 * ```
 */
export async function validatePushedEvent(
  schemas: EventSchemas,
  event: PushedEvent,
): Promise<Verdict | undefined> {
  const unknown: Verdict = {
    code: 'unknown_event',
    reason: `no synced event named ${event.name} in the server's schema`,
  }
  if (isStoreSchema(schemas)) {
    // Client-only events never leave a client; one arriving here is refused like an unknown one.
    if (schemas.eventsByName.get(event.name)?.synced !== true) return unknown
    const r = validateEvent(schemas, event)
    if (r.ok) return undefined
    return r.error instanceof UnknownEventError ? unknown : { code: 'invalid', reason: r.error.message }
  }
  if (!Object.hasOwn(schemas, event.name)) return unknown
  const schema = schemas[event.name] as StandardSchemaV1
  let result = schema['~standard'].validate(event.args)
  if (result instanceof Promise) result = await result
  if (!result.issues) return undefined
  const reason = result.issues
    .slice(0, 5)
    .map((i) => `${pathOf(i.path)}: ${i.message}`)
    .join('; ')
  return { code: 'invalid', reason: `${event.name} ${reason}` }
}
