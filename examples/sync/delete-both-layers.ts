/**
 * Seed 004, "Delete — remove from LocalDB and delete the Appwrite document": one commit
 * deletes locally at once and, through sync, on the server and every other device. A
 * deleted project takes its messages and files with it (one materializer), so no
 * orphan rows are left on any layer.
 *
 * Length: 73 lines vs a one-row table entry in the seed — the delete itself is one commit and
 * one materializer; the rest creates three devices and checks each of them.
 */
import { events, files, messages, projects, startHarness, until } from './_app.js'

export async function main(log: (...args: unknown[]) => void) {
  const h = await startHarness()
  try {
    const laptop = await h.device('laptop')
    const phone = await h.device('phone')
    const at = '2025-01-15T10:00:00.000Z'
    laptop.store.commit(
      events.projectCreated({ id: 'p1', userId: 'ada', title: 'Keep', slug: 'keep', createdAt: at }),
      events.projectCreated({
        id: 'p2',
        userId: 'ada',
        title: 'Remove me',
        slug: 'remove-me',
        createdAt: at,
      }),
      events.messageAdded({
        id: 'm1',
        projectId: 'p2',
        role: 'user',
        content: 'hi',
        sequence: 1,
        createdAt: at,
      }),
      events.fileSaved({
        id: 'f1',
        projectId: 'p2',
        path: 'README.md',
        type: 'file',
        content: '#',
        language: null,
        updatedAt: at,
      }),
      events.fileSaved({
        id: 'f2',
        projectId: 'p1',
        path: 'old.txt',
        type: 'file',
        content: '',
        language: null,
        updatedAt: at,
      }),
      events.fileSaved({
        id: 'f3',
        projectId: 'p1',
        path: 'new.txt',
        type: 'file',
        content: '',
        language: null,
        updatedAt: at,
      }),
    )
    await until(() => phone.store.query(files.count()) === 3, 'the phone to have everything')

    // Delete on the phone: gone locally at once, then on the laptop.
    phone.store.commit(events.projectDeleted({ id: 'p2' }), events.fileDeleted({ id: 'f2' }))
    const phoneNow = phone.store.query(projects).map((p) => p.title)
    log('[phone] projects right after delete:', phoneNow)
    await until(() => laptop.store.query(projects).length === 1, 'the laptop to drop p2')
    await until(() => laptop.store.query(files.count()) === 1, 'the laptop to drop the files')
    await phone.sync.whenSynced()

    // The server layer has the deletes in its log: a fresh device that never saw p2 has nothing of it.
    const fresh = await h.device('tablet')
    await fresh.sync.whenSynced()
    const snapshot = (d: typeof laptop) => ({
      projects: d.store.query(projects).map((p) => p.id),
      messages: d.store.query(messages.count()),
      files: d.store.query(files).map((f) => f.path),
    })
    const result = { phoneNow, laptop: snapshot(laptop), phone: snapshot(phone), tablet: snapshot(fresh) }
    log('[laptop]', result.laptop, '[tablet]', result.tablet)
    return result
  } finally {
    await h.close()
  }
}
