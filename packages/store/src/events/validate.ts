/**
 * Payload validation through Standard Schema, shared by the store (before commit) and
 * the sync server (same schemas, same verdicts).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { ValidationIssue } from '../errors.js'
import { EventValidationError, UnknownEventError } from '../errors.js'
import type { AnyEventDef } from './define.js'

/** Turn a Standard Schema path into `'a.b.0'`. */
export function issuePath(path: StandardSchemaV1.Issue['path']): string {
  if (!path) return ''
  return path.map((p) => String(typeof p === 'object' && p !== null ? p.key : p)).join('.')
}

/**
 * Validate a value synchronously against a Standard Schema.
 * @returns the output value or the issues
 */
export function runSchema<In, Out>(
  schema: StandardSchemaV1<In, Out>,
  value: unknown,
): { ok: true; value: Out } | { ok: false; issues: ValidationIssue[] } {
  const result = schema['~standard'].validate(value)
  if (result instanceof Promise)
    return {
      ok: false,
      issues: [{ path: '', message: 'asynchronous schemas are not supported for store events' }],
    }
  if (result.issues)
    return { ok: false, issues: result.issues.map((i) => ({ path: issuePath(i.path), message: i.message })) }
  return { ok: true, value: result.value }
}

/**
 * Validate one event payload; throw a typed error naming the event and field.
 * @internal
 */
export function validateArgs(def: AnyEventDef, args: unknown): unknown {
  const r = runSchema(def.schema, args)
  if (!r.ok) throw new EventValidationError(def.eventName, r.issues)
  return r.value
}

/** Anything that can resolve event definitions by name (a store schema). */
export interface EventResolver {
  readonly eventsByName: ReadonlyMap<string, AnyEventDef>
}

/**
 * Validate an event record against a schema, without a store — used by the sync server
 * to refuse bad events with the same rules the clients use.
 * @param schema the store schema (from `makeSchema`)
 * @param record `{ name, args }` (extra fields ignored)
 * @returns `{ ok: true, value }` with the validated payload, or `{ ok: false, error }`
 * @example
 * const verdict = validateEvent(schema, { name: 'v1.TodoCreated', args: { id: 't1' } })
 * if (!verdict.ok) reply({ ok: false, code: verdict.error.code, reason: verdict.error.message })
 */
export function validateEvent(
  schema: EventResolver,
  record: { readonly name: string; readonly args: unknown },
): { ok: true; value: unknown } | { ok: false; error: EventValidationError | UnknownEventError } {
  const def = schema.eventsByName.get(record.name)
  if (!def) return { ok: false, error: new UnknownEventError(record.name) }
  const r = runSchema(def.schema, record.args)
  if (!r.ok) return { ok: false, error: new EventValidationError(record.name, r.issues) }
  return { ok: true, value: r.value }
}
