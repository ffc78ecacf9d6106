// Helpers that read and extend LiveStore's on-disk files with better-sqlite3 (bench only).
// Committing 100,000 events through LiveStore itself takes ~5 minutes at the ~350 events/s
// it reaches even in one giant batch, so the boot fixture is written directly in LiveStore's
// own row formats: eventlog rows chained by parent sequence numbers, state rows, and one
// session changeset per event (SQLite session-extension format, as LiveStore records them).
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

const storeFile = (workDir, storeId, prefix) => {
  let names
  try {
    names = readdirSync(join(workDir, storeId))
  } catch {
    return undefined
  }
  const name = names.find((n) => n.startsWith(prefix) && n.endsWith('.db'))
  return name === undefined ? undefined : join(workDir, storeId, name)
}

/** Events LiveStore's leader has durably written to its eventlog file (0 when none yet). */
export const persistedEventCount = (workDir, storeId) => {
  const file = storeFile(workDir, storeId, 'eventlog')
  if (file === undefined) return 0
  let db
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    return db.prepare('SELECT count(*) AS c FROM eventlog').get().c
  } catch {
    return 0 // the leader may be mid-write or not have created the table yet
  } finally {
    db?.close()
  }
}

const textValue = (s) => {
  const bytes = Buffer.from(s, 'utf8')
  if (bytes.length > 127) throw new Error('fixture strings must be < 128 bytes (one-byte varint)')
  return Buffer.concat([Buffer.from([0x03, bytes.length]), bytes])
}
const intValue = (n) => {
  const b = Buffer.alloc(9)
  b[0] = 0x01
  b.writeBigInt64BE(BigInt(n), 1)
  return b
}
const changesetHeader = Buffer.concat([
  Buffer.from([0x54, 4, 1, 0, 0, 0]), // 'T', 4 columns, primary key = first column
  Buffer.from('items\0', 'utf8'),
])
/** An INSERT changeset for one items row, byte-identical to what LiveStore records. */
const insertChangeset = ({ id, title, n }) =>
  Buffer.concat([
    changesetHeader,
    Buffer.from([0x12, 0x00]),
    textValue(id),
    textValue(title),
    intValue(n),
    intValue(0),
  ])

/**
 * Extend a LiveStore store that holds exactly one `v1.ItemCreated` event (item 0) to `total`
 * events, with matching state rows, so LiveStore boots it as if it had committed them.
 * `confirmed` marks the whole log as acknowledged by a sync backend (backend head = total);
 * otherwise every event is still pending, as after committing offline.
 */
export const buildLiveStoreBootFixture = (workDir, storeId, total, itemArgs, confirmed) => {
  const eventlog = new Database(storeFile(workDir, storeId, 'eventlog'))
  const state = new Database(storeFile(workDir, storeId, 'state'))
  const first = eventlog.prepare('SELECT * FROM eventlog ORDER BY seqNumGlobal LIMIT 1').get()
  const firstChange = state.prepare('SELECT changeset FROM __livestore_session_changeset').get()
  if (Buffer.compare(firstChange.changeset, insertChangeset(itemArgs(0))) !== 0) {
    throw new Error('LiveStore changeset format differs from the fixture writer; refusing to fake it')
  }
  const insertEvent = eventlog.prepare(
    `INSERT INTO eventlog (seqNumGlobal, seqNumClient, seqNumRebaseGeneration, parentSeqNumGlobal,
       parentSeqNumClient, parentSeqNumRebaseGeneration, name, argsJson, clientId, sessionId,
       schemaHash, syncMetadataJson) VALUES (?, 0, 0, ?, 0, 0, ?, ?, ?, ?, ?, ?)`,
  )
  const insertRow = state.prepare('INSERT INTO items (id, title, n, done) VALUES (?, ?, ?, 0)')
  const insertChange = state.prepare(
    'INSERT INTO __livestore_session_changeset (seqNumGlobal, seqNumClient, seqNumRebaseGeneration, changeset, debug) VALUES (?, 0, 0, ?, NULL)',
  )
  eventlog.transaction(() => {
    for (let n = 1; n < total; n++) {
      const args = itemArgs(n)
      insertEvent.run(
        n + 1,
        n,
        first.name,
        JSON.stringify(args),
        first.clientId,
        first.sessionId,
        first.schemaHash,
        first.syncMetadataJson,
      )
    }
    if (confirmed) eventlog.prepare('UPDATE __livestore_sync_status SET head = ?').run(total)
  })()
  state.transaction(() => {
    for (let n = 1; n < total; n++) {
      const args = itemArgs(n)
      insertRow.run(args.id, args.title, args.n)
      insertChange.run(n + 1, insertChangeset(args))
    }
  })()
  eventlog.close()
  state.close()
}
