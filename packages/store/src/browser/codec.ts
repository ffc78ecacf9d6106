/**
 * Byte encoding of journal batches: the write statements of committed transactions, as
 * JSON with tagged values for what JSON cannot hold (BLOBs, bigints, and the numbers
 * JSON loses: ±Infinity and NaN would become null, -0 would become 0). Owns nothing else;
 * encryption wraps these bytes (see ../encryption/cipher.ts).
 */

/**
 * One write statement as it ran: SQL text and its positional parameters.
 * @example
 * const op: JournalOp = { sql: 'UPDATE todos SET done = ? WHERE id = ?', params: [1, 't1'] }
 */
export interface JournalOp {
  readonly sql: string
  readonly params?: readonly unknown[]
}

/**
 * The writes of one committed transaction, numbered gap-free from 1.
 * @example
 * const record: JournalRecord = { seq: 7, ops: [{ sql: 'DELETE FROM todos WHERE id = ?', params: ['t1'] }] }
 */
export interface JournalRecord {
  readonly seq: number
  readonly ops: readonly JournalOp[]
  /**
   * Ids of commits another tab forwarded that this record applied (docs/decisions/0058):
   * kept with the record so a new leader tab never applies a retried commit twice.
   */
  readonly tags?: readonly string[]
}

const FORMAT = 1

// Tags are objects, which SQL parameters never are, so files written before a tag existed
// decode as before (the `$f` tag is new: older files hold no such numbers, only nulls).
const encodeValue = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return { $b: bytesToBase64(v) }
  if (typeof v === 'bigint') return { $n: v.toString() }
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)))
    return { $f: Object.is(v, -0) ? '-0' : String(v) }
  return v
}
const decodeValue = (v: unknown): unknown => {
  if (v !== null && typeof v === 'object') {
    const o = v as { $b?: unknown; $n?: unknown; $f?: unknown }
    if (typeof o.$b === 'string') return base64ToBytes(o.$b)
    if (typeof o.$n === 'string') return BigInt(o.$n)
    if (typeof o.$f === 'string') return Number(o.$f) // 'Infinity', '-Infinity', 'NaN', '-0'
  }
  return v
}

/**
 * Encode records into one batch file's bytes.
 * @param records consecutive records
 * @returns UTF-8 JSON bytes
 * @example
 * const bytes = encodeBatch([{ seq: 1, ops: [{ sql: 'INSERT INTO t VALUES (?)', params: [1] }] }])
 */
export function encodeBatch(records: readonly JournalRecord[]): Uint8Array {
  const body = {
    v: FORMAT,
    r: records.map((r) => ({
      s: r.seq,
      o: r.ops.map((op) => (op.params === undefined ? [op.sql] : [op.sql, op.params.map(encodeValue)])),
      ...(r.tags !== undefined ? { t: r.tags } : {}),
    })),
  }
  return new TextEncoder().encode(JSON.stringify(body))
}

/**
 * Decode a batch file's bytes; throws a plain Error describing the defect (the caller
 * wraps it in a JournalCorruptError naming the file).
 * @param bytes what `encodeBatch` produced
 * @returns the records, in order
 * @example
 * decodeBatch(encodeBatch(records)) // deep-equals records
 */
export function decodeBatch(bytes: Uint8Array): JournalRecord[] {
  const parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown
  if (parsed === null || typeof parsed !== 'object') throw new Error('not a journal batch')
  const { v, r } = parsed as { v?: unknown; r?: unknown }
  if (v !== FORMAT) throw new Error(`unsupported journal format ${String(v)}`)
  if (!Array.isArray(r)) throw new Error('journal batch has no records')
  return r.map((rec: unknown, i) => {
    const { s, o, t } = (rec ?? {}) as { s?: unknown; o?: unknown; t?: unknown }
    if (typeof s !== 'number' || !Array.isArray(o)) throw new Error(`record ${i} is malformed`)
    if (t !== undefined && !(Array.isArray(t) && t.every((x) => typeof x === 'string')))
      throw new Error(`record ${s} has malformed tags`)
    return {
      seq: s,
      ...(t !== undefined ? { tags: t as string[] } : {}),
      ops: o.map((op: unknown) => {
        if (!Array.isArray(op) || typeof op[0] !== 'string')
          throw new Error(`record ${s} has a malformed statement`)
        const params = op[1]
        return Array.isArray(params) ? { sql: op[0], params: params.map(decodeValue) } : { sql: op[0] }
      }),
    }
  })
}

/**
 * Base64 of bytes (no padding stripped), without Node's Buffer so it runs in browsers.
 * @param bytes any bytes
 * @returns base64 text
 * @example
 * bytesToBase64(new Uint8Array([1, 2])) // 'AQI='
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

/**
 * Bytes of base64 text.
 * @param text base64
 * @returns the bytes
 * @example
 * base64ToBytes('AQI=') // Uint8Array [1, 2]
 */
export function base64ToBytes(text: string): Uint8Array {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}
