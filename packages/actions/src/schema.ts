/**
 * Standard Schema validation shared by the registry (payloads) and session recovery
 * (saved data). Owns nothing else: no schema language of its own — any library that
 * implements `@standard-schema/spec` (zod, valibot, arktype…) plugs in.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * Outcome of {@link validateWith}: the schema's output value, or its issues.
 * @example
 * ```ts
 * const r = await validateWith(schema, input)
 * if (!r.ok) console.log(r.issues)
 * ```
 */
export type ValidationOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: ReadonlyArray<StandardSchemaV1.Issue> }

/**
 * Validate `value` against a Standard Schema, awaiting async schemas.
 *
 * Why: the registry and recovery both need "validate, keep the transformed output, or get
 * the issues" without caring which schema library is behind it.
 * @param schema - any Standard Schema
 * @param value - the untrusted input
 * @returns the output value or the issues (never throws for invalid input)
 * @example
 * ```ts
 * import { z } from 'zod'
 * const r = await validateWith(z.object({ n: z.number() }), { n: 1 })
 * if (r.ok) r.value.n // 1
 * ```
 */
export async function validateWith<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): Promise<ValidationOutcome<T>> {
  let result = schema['~standard'].validate(value)
  if (result instanceof Promise) result = await result
  if (result.issues) return { ok: false, issues: result.issues }
  return { ok: true, value: result.value }
}
