/**
 * Event definitions: a versioned name, a Standard Schema for the payload, and whether
 * the event is synced or stays on this client. A definition is also the constructor
 * of its events: `events.todoCreated({ id, title })`.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { SchemaError } from '../errors.js'

/**
 * An event ready to commit: name plus (not yet validated) payload.
 * @example
 * const ev: EventInput<'v1.TodoCompleted', { id: string }> = events.todoCompleted({ id: 't1' })
 */
export interface EventInput<Name extends string = string, Args = unknown> {
  readonly name: Name
  readonly args: Args
}

/**
 * A defined event type. Call it to build an event.
 * `In` is what callers pass; `Out` is what materializers receive after validation.
 * @example
 * const todoCompleted: EventDef<'v1.TodoCompleted', { id: string }> = Events.synced({ name: 'v1.TodoCompleted', schema: z.object({ id: z.string() }) })
 */
export interface EventDef<Name extends string = string, In = unknown, Out = In> {
  (args: In): EventInput<Name, In>
  readonly eventName: Name
  readonly schema: StandardSchemaV1<In, Out>
  /** Synced events go to the server; client-only events stay local. */
  readonly synced: boolean
  /** Phantom: validated payload type. */
  readonly __out?: Out
}

/**
 * Any event definition.
 * @example
 * const all: AnyEventDef[] = Object.values(events)
 */
// biome-ignore lint/suspicious/noExplicitAny: variance hole for collections of defs of different payloads
export type AnyEventDef = EventDef<string, any, any>

/**
 * Definition options.
 * @example
 * Events.synced({ name: 'v2.MemoryEntityUpdated', schema: MemoryUpdatedV2 })
 */
export interface EventOptions<Name extends string, In, Out> {
  /** Versioned name such as `'v1.TodoCreated'`. */
  readonly name: Name
  /** Any Standard Schema (zod, valibot, arktype…). Must validate synchronously. */
  readonly schema: StandardSchemaV1<In, Out>
}

const NAME_RE = /^v\d+\.[A-Za-z][A-Za-z0-9_.-]*$/

function define<const Name extends string, In, Out>(
  opts: EventOptions<Name, In, Out>,
  synced: boolean,
): EventDef<Name, In, Out> {
  if (!NAME_RE.test(opts.name))
    throw new SchemaError(
      `Event name "${opts.name}" must be versioned like "v1.TodoCreated" (pattern ${NAME_RE})`,
    )
  if (typeof opts.schema?.['~standard']?.validate !== 'function')
    throw new SchemaError(`Event "${opts.name}" needs a Standard Schema (zod, valibot, arktype…)`)
  const name = opts.name
  const fn = ((args: In) => ({ name, args })) as EventDef<Name, In, Out>
  Object.defineProperties(fn, {
    eventName: { value: name, enumerable: true },
    schema: { value: opts.schema, enumerable: true },
    synced: { value: synced, enumerable: true },
  })
  return fn
}

/**
 * Event definition factories.
 * @example
 * import { z } from 'zod'
 * const events = {
 *   todoCreated: Events.synced({ name: 'v1.TodoCreated', schema: z.object({ id: z.string(), title: z.string() }) }),
 *   filterChanged: Events.clientOnly({ name: 'v1.FilterChanged', schema: z.object({ filter: z.string() }) }),
 * }
 * store.commit(events.todoCreated({ id: 't1', title: 'Buy milk' }))
 */
export const Events = {
  /**
   * An event that is pushed to the sync server and confirmed by it.
   * @param opts name and schema
   * @returns the definition (callable)
   * @example Events.synced({ name: 'v1.ProjectCreated', schema: ProjectSchema })
   */
  synced<const Name extends string, In, Out>(opts: EventOptions<Name, In, Out>): EventDef<Name, In, Out> {
    return define(opts, true)
  },
  /**
   * An event that only changes this client's state (UI state, drafts). Never pending, never pushed.
   * @param opts name and schema
   * @returns the definition (callable)
   * @example Events.clientOnly({ name: 'v1.ViewChanged', schema: z.object({ view: z.string() }) })
   */
  clientOnly<const Name extends string, In, Out>(opts: EventOptions<Name, In, Out>): EventDef<Name, In, Out> {
    return define(opts, false)
  },
}
