// Seed 003 "Development Tools": inspect the store while it runs. The seed monkey-patches
// `store.query` to time queries and downloads the database file; here `store.devtools`
// already exposes the event log, table contents, every live query with its run/patch
// counts and last run time, and a commit feed with the tables each commit wrote and its
// duration. (Database download: with `nodeAdapter` the state is an ordinary SQLite file;
// in the browser it is the OPFS journal — see packages/store/README.md.)
// Seed: 37 lines (downloadDatabase + monitorQueries); here: 14 lines of monitoring code.
import { createStore } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { events, samplePersona, schema, tables } from './_personas.js'

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'devtools' })
  const t = 1_700_000_000_000

  // Query monitoring: one listener instead of wrapping store.query.
  const commits: { names: string[]; tables: string[] }[] = []
  const stopMonitor = store.devtools.onCommit((c) => {
    commits.push({ names: c.events.map((e) => e.name), tables: [...c.tables] })
    log(
      `[devtools] commit ${c.events.map((e) => e.name).join(', ')} wrote ${c.tables.join(', ')} in ${c.ms.toFixed(2)} ms`,
    )
  })

  const sage$ = store.queryDb(tables.personas.where({ id: 'p1' }).first(), { label: 'sage$' })
  const memories$ = store.queryDb(tables.memoryEntities.where({ personaId: 'p1' }).count(), {
    label: 'memoryCount$',
  })
  const stopWatching = [sage$.subscribe(() => {}), memories$.subscribe(() => {})]

  store.commit(events.personaCreated({ id: 'p1', createdAt: t, ...samplePersona('Sage') }))
  store.commit(events.personaCreated({ id: 'p2', createdAt: t, ...samplePersona('Echo') }))
  for (const id of ['m1', 'm2']) {
    store.commit(
      events.memoryEntityCreated({
        id,
        personaId: 'p1',
        type: 'fact',
        name: id,
        content: {},
        summary: '',
        tags: [],
        importance: 50,
        createdAt: t,
      }),
    )
  }

  const live = store.devtools.liveQueries().map((q) => ({ label: q.label, runs: q.runs, mounted: q.mounted }))
  const tableCounts = store.devtools.tables()
  const personaNames = store.devtools.tableRows('personas').map((r) => r.name)
  const log10 = store.devtools.events({ limit: 10 }).map((e) => e.name)
  const stats = store.devtools.stats()
  log('[devtools] live queries:', live)
  log('[devtools] tables:', tableCounts)
  log('[devtools] newest events:', log10)

  for (const stop of stopWatching) stop()
  stopMonitor()
  store.close()
  return { commits, live, tableCounts, personaNames, log10, stats }
}
