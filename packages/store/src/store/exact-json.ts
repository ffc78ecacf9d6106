/**
 * JSON text for raw SQLite values the store keeps aside: undo pre-images and snapshots.
 * A REAL column may hold ±Infinity (and a JS -0), which plain JSON turns into `null`
 * (or `0`): a rejected event could then never be undone on a NOT NULL column, and a
 * rebase or a snapshot rebuild would write NULL. Those numbers are written as
 * `{"$n":"Infinity"}` (`"-Infinity"`, `"NaN"`, `"-0"`). A raw SQLite value is never an
 * object and no column name holds `$`, so the tag cannot be confused with data; text
 * without it (older undo entries and snapshots) reads as before.
 */

/** Whether `v` is a number JSON cannot write exactly. */
const odd = (v: unknown): v is number => typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))

/** Whether `v` holds such a number. */
const special = (v: unknown): boolean =>
  odd(v) || (typeof v === 'object' && v !== null && Object.values(v).some(special))

const tag = (_k: string, v: unknown): unknown => (odd(v) ? { $n: Object.is(v, -0) ? '-0' : String(v) } : v)

const untag = (_k: string, v: unknown): unknown => {
  const n = (v as { $n?: unknown } | null)?.$n
  return typeof n === 'string' && typeof v === 'object' ? Number(n) : v
}

/**
 * `JSON.stringify` keeping ±Infinity, NaN and -0 (plain JSON text when there are none).
 * @internal
 */
export function exactStringify(value: unknown): string {
  return special(value) ? JSON.stringify(value, tag) : JSON.stringify(value)
}

/**
 * Parse text from {@link exactStringify} (or plain JSON).
 * @internal
 */
export function exactParse<T>(text: string): T {
  return (text.includes('{"$n":') ? JSON.parse(text, untag) : JSON.parse(text)) as T
}
