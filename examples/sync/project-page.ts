/**
 * Seed 004, "Project page load (messages & files)": per-project messages (ordered by
 * sequence) and files (flat rows shown as a tree), loaded from the local store at once
 * and updated live when another device adds a message or edits a file. The seed keeps
 * `messagesByProject` maps and replaces a project's slice after each fetch; here each
 * view is a live query filtered by projectId.
 *
 * Length: 114 lines vs the seed's 60 (Project Page Load + Example 3) — most of the length is the
 * two-device set-up and the event fixtures that make the example runnable.
 */
import { computed, effect } from '@strata/core'
import { buildTree, events, files, messages, startHarness, until } from './_app.js'

export async function main(log: (...args: unknown[]) => void) {
  const h = await startHarness()
  try {
    const laptop = await h.device('laptop')
    const phone = await h.device('phone')
    const at = (m: number) => `2025-01-15T10:${String(m).padStart(2, '0')}:00.000Z`
    laptop.store.commit(
      events.projectCreated({ id: 'p1', userId: 'ada', title: 'My app', slug: 'my-app', createdAt: at(0) }),
      events.projectCreated({ id: 'p2', userId: 'ada', title: 'Other', slug: 'other', createdAt: at(0) }),
      events.messageAdded({
        id: 'm1',
        projectId: 'p1',
        role: 'user',
        content: 'Build a todo app',
        sequence: 1,
        createdAt: at(1),
      }),
      events.messageAdded({
        id: 'm2',
        projectId: 'p2',
        role: 'user',
        content: 'unrelated',
        sequence: 1,
        createdAt: at(1),
      }),
      events.fileSaved({
        id: 'f1',
        projectId: 'p1',
        path: 'src/App.tsx',
        type: 'file',
        content: 'export {}',
        language: 'typescript',
        updatedAt: at(2),
      }),
      events.fileSaved({
        id: 'f2',
        projectId: 'p1',
        path: 'src/components/Button.tsx',
        type: 'file',
        content: '',
        language: 'typescript',
        updatedAt: at(2),
      }),
      events.fileSaved({
        id: 'f3',
        projectId: 'p1',
        path: 'src/styles/main.css',
        type: 'file',
        content: '',
        language: 'css',
        updatedAt: at(2),
      }),
    )

    // The phone opens /dashboard/project/my-app once the laptop's work reached it.
    await until(() => phone.store.query(files.count()) === 3, 'the phone to receive the files')
    const projectId = 'p1'
    const messages$ = phone.store.queryDb(messages.where({ projectId }).orderBy('sequence'), {
      label: 'messages(p1)',
    })
    const files$ = phone.store.queryDb(files.where({ projectId }).orderBy('path'), { label: 'files(p1)' })
    const tree$ = computed(() => buildTree(files$.get()))
    const chat: string[][] = []
    const stop = effect(() => {
      chat.push(messages$.get().map((m) => `${m.role}: ${m.content}`))
    })
    log(
      '[phone] messages of p1:',
      messages$.get().map((m) => m.content),
    )
    log('[phone] file tree of p1:', JSON.stringify(tree$.get()))

    // The laptop (the "AI") answers and edits a file; the phone's views follow live.
    laptop.store.commit(
      events.messageAdded({
        id: 'm3',
        projectId: 'p1',
        role: 'assistant',
        content: 'Done: added App.tsx',
        sequence: 2,
        createdAt: at(3),
      }),
      events.fileSaved({
        id: 'f1',
        projectId: 'p1',
        path: 'src/App.tsx',
        type: 'file',
        content: 'export const App = () => null',
        language: 'typescript',
        updatedAt: at(3),
      }),
    )
    await until(() => messages$.get().length === 2, 'the answer on the phone')
    await until(
      () =>
        files$
          .get()
          .find((f) => f.id === 'f1')
          ?.content?.includes('App') === true,
      'the edit on the phone',
    )
    stop()
    log(
      '[phone] messages of p1 now:',
      messages$.get().map((m) => m.content),
    )
    return {
      chat,
      tree: tree$.get(),
      appContent: files$.get().find((f) => f.id === 'f1')?.content,
      otherProjectMessages: phone.store.query(messages.where({ projectId: 'p2' })).length,
    }
  } finally {
    await h.close()
  }
}
