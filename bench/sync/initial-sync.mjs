// Initial sync: a fresh Strata client (new SQLite store file) connects to a store that
// already holds <expected> events and syncs all of them: download, validate, materialize.
// argv: <wsUrl> <storeId> <expected> <dir>. Prints JSON { ms, rows }.
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { createStore } from '@strata/store'
import { nodeAdapter } from '@strata/store/node'
import { createSyncClient } from '@strata/sync'
import { items, schema } from './schema.mjs'

const [wsUrl, storeId, expectedArg, dir] = process.argv.slice(2)
const expected = Number(expectedArg)
const store = await createStore({
  schema,
  adapter: nodeAdapter({ directory: mkdtempSync(join(dir, 'fresh-')) }),
  storeId,
})
const t0 = performance.now()
const sync = createSyncClient({ store, url: wsUrl })
await sync.whenSynced({ timeoutMs: 600_000 })
const ms = performance.now() - t0
const rows = store.query(items.count())
const head = store.sync.confirmedHead()
sync.dispose()
store.close()
process.stdout.write(`${JSON.stringify({ ms, rows, head, expected })}\n`)
process.exit(0)
