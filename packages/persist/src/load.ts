/**
 * The load pipeline, apart from any store: stored text → envelope → version check →
 * migrations → merge with the current value → Standard Schema validation. Returns a
 * verdict instead of throwing, saying whether the raw text must be quarantined (damaged,
 * including a `merge` or schema that throws on it) or merely left alone (written by a
 * newer app). Stays synchronous unless a step is async.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { open } from './envelope.js'
import { MigrationError, PersistError, reason, SchemaError, VersionError } from './errors.js'
import { attempt, andThen, type MaybePromise } from './maybe-promise.js'

/**
 * Migrations: one function `(old, fromVersion) => new`, or a chain of steps keyed by the
 * version each produces (`{ 1: v0ToV1, 2: v1ToV2 }`), run in order.
 * @example
 * ```ts
 * const migrate: Migrate = { 1: (v0) => ({ theme: (v0 as { dark: boolean }).dark ? 'dark' : 'light' }) }
 * ```
 */
export type Migrate =
  | ((old: unknown, fromVersion: number) => unknown)
  | Readonly<Record<number, (old: unknown) => unknown>>

/** How a load turned out. */
export type Verdict<T> =
  | { ok: true; value: T; migrated: boolean }
  | { ok: false; error: PersistError; quarantine: boolean }

/** What the pipeline needs to know. */
export interface LoadSpec<T> {
  key: string
  version: number
  migrate?: Migrate | undefined
  decode?: ((text: string) => unknown) | undefined
  schema?: StandardSchemaV1<unknown, T> | undefined
  merge: (stored: unknown) => unknown
}

function runMigrations(spec: LoadSpec<unknown>, data: unknown, from: number): MaybePromise<unknown> {
  const { migrate, version, key } = spec
  if (!migrate) throw new MigrationError(key, from, version, new Error('no migrate option given'))
  if (typeof migrate === 'function') return migrate(data, from)
  let acc: MaybePromise<unknown> = data
  for (let v = from + 1; v <= version; v++) {
    const step = migrate[v]
    if (!step) throw new MigrationError(key, from, version, new Error(`no migration step to version ${v}`))
    acc = andThen(acc, step)
  }
  return acc
}

/**
 * Validate with a Standard Schema; resolves to the schema's output or throws SchemaError.
 *
 * @param key storage key (for the error)
 * @param schema any Standard Schema (zod, valibot, arktype…)
 * @param value what to validate
 * @returns the validated (possibly transformed) value
 * @example
 * ```ts
 * validate('k', z.number(), 1) // 1
 * ```
 */
export function validate<T>(
  key: string,
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): MaybePromise<T> {
  return andThen(schema['~standard'].validate(value), (r) => {
    if (r.issues) throw new SchemaError(key, r.issues)
    return r.value
  })
}

/**
 * Turn stored text into a value, or a verdict saying what went wrong.
 *
 * @param spec key, version, migrations, codec, schema, merge
 * @param raw stored text
 * @returns a {@link Verdict}, synchronously when every step is synchronous
 * @example
 * ```ts
 * load({ key: 'k', version: 1, merge: (s) => s }, '{"v":1,"d":5}') // { ok: true, value: 5, migrated: false }
 * ```
 */
export function load<T>(spec: LoadSpec<T>, raw: string): MaybePromise<Verdict<T>> {
  return attempt<Verdict<T>>(
    () => {
      const { version, data } = open(spec.key, raw, spec.decode)
      if (version > spec.version) {
        return { ok: false, error: new VersionError(spec.key, version, spec.version), quarantine: false }
      }
      const migrated = version < spec.version
      const upgraded = migrated
        ? attempt(
            () => runMigrations(spec as LoadSpec<unknown>, data, version),
            (e) => {
              throw e instanceof PersistError ? e : new MigrationError(spec.key, version, spec.version, e)
            },
          )
        : data
      return andThen(upgraded, (up) => {
        const merged = spec.merge(up)
        const checked = spec.schema ? validate(spec.key, spec.schema, merged) : (merged as T)
        return andThen(checked, (value): Verdict<T> => ({ ok: true, value, migrated }))
      })
    },
    // A throwing merge or schema rejects the stored data, like a failing schema: quarantine
    // it (the engine was not involved, so this is no read error).
    (e) => ({
      ok: false,
      error: e instanceof PersistError ? e : new SchemaError(spec.key, [{ message: reason(e) }], e),
      quarantine: true,
    }),
  )
}
