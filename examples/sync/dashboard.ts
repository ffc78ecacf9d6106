/**
 * Seed 004, "Dashboard page load": load projects from the local store instantly, sync
 * in the background, and update the UI when other devices' projects arrive. In the seed
 * this is `loadFromLocalDB()` + `syncWithAppwrite()` + hand-written dedup and state
 * updates; here the reads are synchronous SQLite queries on the local store, and the
 * sync client brings other devices' events in behind them.
 *
 * Length: 61 lines vs the seed's 35 — the first half sets up two devices and a real
 * server inside `main()` so the example runs end to end; the page load starts at STEP 1.
 */
import { effect } from '@strata/core'
import { events, projects, startHarness, until } from './_app.js'

export async function main(log: (...args: unknown[]) => void) {
  const h = await startHarness()
  try {
    // Yesterday, on the laptop: two projects, synced.
    const laptop = await h.device('laptop')
    const now = '2025-01-15T10:00:00.000Z'
    laptop.store.commit(
      events.projectCreated({ id: 'p1', userId: 'ada', title: 'My app', slug: 'my-app', createdAt: now }),
      events.projectCreated({
        id: 'p2',
        userId: 'ada',
        title: 'Docs site',
        slug: 'docs-site',
        createdAt: now,
      }),
    )
    await laptop.sync.whenSynced()
    const laptopDir = laptop.dir
    laptop.close()

    // Meanwhile, on the phone: a third project.
    const phone = await h.device('phone')
    phone.store.commit(
      events.projectCreated({
        id: 'p3',
        userId: 'ada',
        title: 'From phone',
        slug: 'from-phone',
        createdAt: now,
      }),
    )
    await phone.sync.whenSynced()

    // Today the laptop opens the dashboard. STEP 1: local store, no network involved.
    const t0 = performance.now()
    const again = await h.device('laptop', { dir: laptopDir })
    const projects$ = again.store.queryDb(projects.orderBy('title'), { label: 'dashboard projects' })
    const instant = projects$.get().map((p) => p.title)
    const loadMs = performance.now() - t0
    log(
      `[Dashboard] loaded ${instant.length} projects from the local store in ${loadMs.toFixed(1)} ms:`,
      instant,
    )

    // STEP 2 happens by itself: the sync client is already connecting in the background.
    const renders: string[][] = []
    const stop = effect(() => {
      renders.push(projects$.get().map((p) => p.title))
    })
    const syncing = effect(() => {
      const s = again.sync.status.all.get()
      log(
        `[Dashboard] sync: ${s.online ? 'online' : 'offline'}${s.syncing ? ', syncing' : ''}, ${s.pendingCount} pending`,
      )
    })
    await until(() => projects$.get().length === 3, 'the phone project')
    await again.sync.whenSynced()
    stop()
    syncing()
    const afterSync = projects$.get().map((p) => p.title)
    log('[Dashboard] after background sync:', afterSync)
    return { instant, afterSync, renders, loadMs }
  } finally {
    await h.close()
  }
}
