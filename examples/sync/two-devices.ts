/**
 * Seed 004, "User creates new project" and "Deduplicate on sync": a project created on
 * one device appears on the other without a reload, and the same project created on
 * both devices (say, imported from the same template while offline) ends up as one
 * row everywhere. The seed does this with `findIndex` checks and `new Map(...)` dedup
 * after every fetch; here the materializer upserts by id, so duplicates cannot arise.
 *
 * Length: 41 lines vs the seed's 38 — the seed's dedup code disappears; the added lines start
 * the second device and the server.
 */
import { events, projects, startHarness, until } from './_app.js'

export async function main(log: (...args: unknown[]) => void) {
  const h = await startHarness()
  try {
    const laptop = await h.device('laptop')
    const phone = await h.device('phone')
    const at = '2025-01-15T10:00:00.000Z'

    // Create on the laptop: the UI shows it at once (local commit), the phone gets it live.
    laptop.store.commit(
      events.projectCreated({ id: 'p1', userId: 'ada', title: 'My app', slug: 'my-app', createdAt: at }),
    )
    log(
      '[laptop] projects:',
      laptop.store.query(projects).map((p) => p.title),
    )
    await until(() => phone.store.query(projects).length === 1, 'the phone to receive p1')
    log(
      '[phone] projects:',
      phone.store.query(projects).map((p) => p.title),
    )

    // Both go offline and import the same template project.
    laptop.sync.stop()
    phone.sync.stop()
    const template = { id: 'tpl-blog', userId: 'ada', title: 'Blog starter', slug: 'blog', createdAt: at }
    laptop.store.commit(events.projectCreated(template))
    phone.store.commit(events.projectCreated({ ...template, title: 'Blog starter (phone)' }))
    // The laptop reconnects first, so the server orders its create first.
    laptop.sync.start()
    await laptop.sync.whenSynced()
    phone.sync.start()
    await phone.sync.whenSynced()
    await until(
      () => laptop.store.query(projects.where({ id: 'tpl-blog' }).first())?.title === 'Blog starter (phone)',
      'the laptop to apply the phone create after its own',
    )
    const onLaptop = laptop.store.query(projects.orderBy('id')).map((p) => `${p.id}:${p.title}`)
    const onPhone = phone.store.query(projects.orderBy('id')).map((p) => `${p.id}:${p.title}`)
    log('[laptop] after dedup:', onLaptop)
    log('[phone]  after dedup:', onPhone)
    return { onLaptop, onPhone }
  } finally {
    await h.close()
  }
}
