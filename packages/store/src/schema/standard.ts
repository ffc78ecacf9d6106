/**
 * A tiny adapter that turns a validation function into a Standard Schema, used for the
 * envelopes of built-in events (client documents, collections) whose inner value is
 * checked by the user's own Standard Schema. Not a schema language.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * One issue with a path.
 * @example
 * const issue: Issue = { message: 'required', path: ['title'] }
 */
export interface Issue {
  readonly message: string
  readonly path?: readonly PropertyKey[]
}

/**
 * Wrap a synchronous validation function as a Standard Schema.
 * @param validate returns `{ value }` or `{ issues }`
 * @returns a Standard Schema (vendor `strata`)
 * @example
 * const positive = standardSchema<number>((v) => (typeof v === 'number' && v > 0 ? { value: v } : { issues: [{ message: 'must be > 0' }] }))
 */
export function standardSchema<T>(
  validate: (value: unknown) => { readonly value: T } | { readonly issues: readonly Issue[] },
): StandardSchemaV1<T, T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'strata',
      validate: (value: unknown) => {
        const r = validate(value)
        return 'issues' in r ? { issues: r.issues } : { value: r.value }
      },
    },
  }
}

/** Validate `value` with `schema` synchronously, prefixing issue paths with `prefix`. */
export function nested<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
  prefix: PropertyKey,
): { value: T } | { issues: Issue[] } {
  const r = schema['~standard'].validate(value)
  if (r instanceof Promise)
    return { issues: [{ message: 'asynchronous schemas are not supported', path: [prefix] }] }
  if (r.issues)
    return {
      issues: r.issues.map((i) => ({
        message: i.message,
        path: [prefix, ...(i.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p))],
      })),
    }
  return { value: r.value }
}

/** Whether `v` is a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
