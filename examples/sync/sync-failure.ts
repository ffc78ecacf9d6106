/**
 * Seed 004, "Handle sync failures gracefully": the server goes away; the app keeps
 * working on local data, the status stores show the error (the seed's `set({ error })`),
 * edits queue up as pending, and when the server is back the client reconnects on its
 * own (jittered backoff) and everything syncs. No try/catch in app code.
 *
 * Length: 53 lines vs the seed's 12 — the seed shows only the catch block; this file stops and
 * restarts a real server and shows the status stores through the outage.
 */
import { effect } from '@strata/core'
import { events, projects, startHarness, until } from './_app.js'

export async function main(log: (...args: unknown[]) => void) {
  const h = await startHarness()
  try {
    const laptop = await h.device('laptop')
    const phone = await h.device('phone')
    const statusLine: string[] = []
    const syncingSeen: boolean[] = []
    const stop = effect(() => {
      const s = laptop.sync.status.all.get()
      syncingSeen.push(s.syncing)
      const line = `${s.online ? 'online' : 'offline'} · ${s.pendingCount} pending · ${s.error ? `error: ${s.error.code}` : 'no error'}`
      statusLine.push(line)
      log(`[laptop status] ${line}`)
    })
    await laptop.sync.whenSynced()
    const lastSyncedBefore = laptop.sync.status.lastSyncedAt.get()

    await h.stopServer()
    // The server said goodbye (shutting_down); the client's reconnect attempts now fail.
    await until(
      () => !laptop.sync.status.online.get() && laptop.sync.status.error.get()?.code === 'connection',
      'the connection error to show',
    )
    const errorShown = laptop.sync.status.error.get()?.message ?? ''

    // Local data stays fully usable while the cloud is down.
    const at = '2025-01-15T10:00:00.000Z'
    laptop.store.commit(
      events.projectCreated({
        id: 'p1',
        userId: 'ada',
        title: 'Offline work',
        slug: 'offline',
        createdAt: at,
      }),
    )
    laptop.store.commit(events.projectUpdated({ id: 'p1', title: 'Offline work, edited', updatedAt: at }))
    const localWhileDown = laptop.store.query(projects).map((p) => p.title)
    const pendingWhileDown = laptop.sync.status.pendingCount.get()
    log('[laptop] while down:', localWhileDown, `${pendingWhileDown} pending`)

    await h.restartServer()
    await laptop.sync.whenSynced({ timeoutMs: 20_000 })
    await until(() => phone.store.query(projects).length === 1, 'the phone to get the offline work')
    const lastSyncedAfter = laptop.sync.status.lastSyncedAt.get()
    stop()
    const onPhone = phone.store.query(projects).map((p) => p.title)
    log('[phone] after recovery:', onPhone)
    return {
      errorShown,
      localWhileDown,
      pendingWhileDown,
      onPhone,
      statusLine,
      syncingSeen,
      lastSyncedBefore,
      lastSyncedAfter,
      syncingAfter: laptop.sync.status.syncing.get(),
      errorAfter: laptop.sync.status.error.get(),
    }
  } finally {
    await h.close()
  }
}
