/**
 * Server-side event validation with the clients' own event schemas, so a client cannot
 * push what a materializer would reject. Accepts the schema object of `@strata/store`
 * (`makeSchema(...)`, anything with `eventsByName`) or a plain `{ name: StandardSchema }`
 * map; validates through Standard Schema directly.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { PushedEvent } from '@strata/sync'
import type { Verdict } from './storage/storage.js'

/**
 * Event definitions the server validates against: a store schema
 * (`{ eventsByName: Map<name, { schema, synced }> }`) or `{ [name]: StandardSchema }`.
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * const events: EventSchemas = { 'v1.TodoCreated': z.object({ id: z.string(), title: z.string() }) }
 * ```
 */
export type EventSchemas =
  | {
      readonly eventsByName: ReadonlyMap<
        string,
        { readonly schema: StandardSchemaV1; readonly synced?: boolean }
      >
    }
  | Readonly<Record<string, StandardSchemaV1>>

function lookup(schemas: EventSchemas, name: string): StandardSchemaV1 | undefined {
  if ('eventsByName' in schemas && schemas.eventsByName instanceof Map) {
    const def = (
      schemas.eventsByName as ReadonlyMap<string, { schema: StandardSchemaV1; synced?: boolean }>
    ).get(name)
    // Client-only events never leave a client; one arriving here is refused like an unknown one.
    return def && def.synced !== false ? def.schema : undefined
  }
  const rec = schemas as Readonly<Record<string, StandardSchemaV1>>
  return Object.hasOwn(rec, name) ? rec[name] : undefined
}

function pathOf(path: StandardSchemaV1.Issue['path']): string {
  if (!path || path.length === 0) return 'args'
  return `args.${path.map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.')}`
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
  const schema = lookup(schemas, event.name)
  if (!schema)
    return { code: 'unknown_event', reason: `no synced event named ${event.name} in the server's schema` }
  let result = schema['~standard'].validate(event.args)
  if (result instanceof Promise) result = await result
  if (!result.issues) return undefined
  const reason = result.issues
    .slice(0, 5)
    .map((i) => `${pathOf(i.path)}: ${i.message}`)
    .join('; ')
  return { code: 'invalid', reason: `${event.name} ${reason}` }
}
