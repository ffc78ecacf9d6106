// Seed 003 "Schema Migration Strategy". Two kinds of migration:
// 1. Table shape changes need no migration code: the table DDL is hashed, and a changed
//    hash rebuilds state from the event log at boot (new columns get their defaults).
// 2. Data migrations are events: `runMigrations` reads the persisted schema version
//    (a row in the store, so it syncs and replays) and commits the upgrade in ONE batch.
// Length: 44 lines of pattern code vs the seed's 24 — longer because the seed shows only the
// runner; this file also declares both table versions and the three events it migrates with.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Column, createStore, Events, makeSchema, table } from '@strata/store'
import { nodeAdapter } from '@strata/store/node'
import { z } from 'zod'

const personasV1 = table('personas', {
  id: Column.text({ primaryKey: true }),
  name: Column.text(),
  version: Column.integer({ default: 1 }),
})
// v2 adds a column: the DDL hash changes and boot rebuilds from the log.
const personasV2 = table('personas', {
  id: Column.text({ primaryKey: true }),
  name: Column.text(),
  version: Column.integer({ default: 1 }),
  newFeatureFlag: Column.boolean({ default: false }),
})
const meta = table('app_meta', { key: Column.text({ primaryKey: true }), value: Column.integer() })

const personaCreated = Events.synced({
  name: 'v1.PersonaCreated',
  schema: z.object({ id: z.string(), name: z.string() }),
})
const personaMigrated = Events.synced({
  name: 'v1.PersonaMigratedToV2',
  schema: z.object({ id: z.string() }),
})
const schemaVersionSet = Events.synced({
  name: 'v1.SchemaVersionSet',
  schema: z.object({ version: z.number().int() }),
})

function makeAppSchema<T extends typeof personasV1 | typeof personasV2>(personas: T) {
  const p = personas as typeof personasV1
  return makeSchema({
    events: { personaCreated, personaMigrated, schemaVersionSet },
    tables: { personas, meta },
    materializers: {
      'v1.PersonaCreated': ({ id, name }, db) => db.insert(p, { id, name }),
      'v1.PersonaMigratedToV2': ({ id }, db) => {
        db.update(p, { id }, { version: 2 })
      },
      'v1.SchemaVersionSet': ({ version }, db) => db.upsert(meta, { key: 'schemaVersion', value: version }),
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrations-'))
  try {
    const v1 = await createStore({
      schema: makeAppSchema(personasV1),
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'app',
    })
    v1.commit(personaCreated({ id: 'a', name: 'Ada' }), personaCreated({ id: 'b', name: 'Brian' }))
    v1.close()

    const schemaV2 = makeAppSchema(personasV2)
    const store = await createStore({
      schema: schemaV2,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'app',
    })
    const boot = { mode: store.boot.mode, reason: store.boot.reason }
    const runMigrations = () => {
      const current = store.query(meta.where({ key: 'schemaVersion' }).first())?.value ?? 1
      if (current < 2) {
        const ids = store.query(personasV2.where({ version: 1 }).select('id'))
        store.commit(...ids.map(({ id }) => personaMigrated({ id })), schemaVersionSet({ version: 2 }))
      }
    }
    runMigrations()
    runMigrations() // idempotent: the version row says it is done
    const rows = store.query(personasV2.orderBy('id'))
    log('boot:', boot, 'rows:', rows)
    const events = store.devtools.events().length
    store.close()
    return { boot, rows, events }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
