// Seed 004 "Data Synchronization Architecture": projects, messages and files. The seed
// keeps three localStorage keys, three Zustand stores, dedup code and a background
// "replace all" sync per type. Here each type is a collection in ONE local SQLite store:
// reads are instant and synchronous, messages/files are queried per project through an
// index (no per-project copies), and sync is the store's event stream (@strata/sync).
import { computed } from '@strata/core'
import { createStore, defineCollection, makeSchema, Query, type Store } from '@strata/store'
import { memoryAdapter } from '@strata/store/node'
import { z } from 'zod'

export const projects = defineCollection({
  name: 'projects',
  schema: z.object({
    userId: z.string(),
    title: z.string().min(1),
    slug: z.string().regex(/^[a-z0-9-]+$/),
    framework: z.string(),
    status: z.enum(['active', 'archived']),
    lastMessageAt: z.string().optional(),
  }),
  indexes: ['userId', 'slug'],
})
export const messages = defineCollection({
  name: 'messages',
  schema: z.object({
    projectId: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    sequence: z.number().int(),
  }),
  indexes: [['projectId', 'sequence']],
})
export const files = defineCollection({
  name: 'files',
  schema: z.object({
    projectId: z.string(),
    path: z.string(),
    type: z.enum(['file', 'directory']),
    content: z.string().nullable(),
    language: z.string().nullable(),
  }),
  indexes: [['projectId', 'path']],
})
export const schema = makeSchema({
  events: {},
  tables: {},
  materializers: {},
  modules: [projects, messages, files],
})

interface TreeNode {
  name: string
  type: 'file' | 'directory'
  children?: TreeNode[]
}

/** Flat file rows → tree (seed 004 "File Tree Building"). */
export function buildTree(paths: readonly { path: string; type: 'file' | 'directory' }[]): TreeNode[] {
  const root: TreeNode[] = []
  for (const { path, type } of [...paths].sort((a, b) => a.path.localeCompare(b.path))) {
    let level = root
    const parts = path.split('/')
    parts.forEach((name, i) => {
      const last = i === parts.length - 1
      let node = level.find((n) => n.name === name)
      if (!node) {
        node = last && type === 'file' ? { name, type: 'file' } : { name, type: 'directory', children: [] }
        level.push(node)
      }
      level = node.children ?? []
    })
  }
  return root
}

export function projectPage(store: Store<typeof schema>, projectId: string) {
  const msgs = store.collection(messages)
  const fs = store.collection(files)
  return {
    messages$: msgs.live([Query.equal('projectId', projectId), Query.orderAsc('sequence')]),
    tree$: computed(() => buildTree(fs.live([Query.equal('projectId', projectId)]).get())),
    send(role: 'user' | 'assistant', content: string) {
      const sequence = msgs.count([Query.equal('projectId', projectId)]) + 1
      const m = msgs.create({ projectId, role, content, sequence })
      store.collection(projects).update(projectId, { lastMessageAt: m.$createdAt })
      return m
    },
  }
}

export async function main(log: (...args: unknown[]) => void) {
  const store = await createStore({ schema, adapter: memoryAdapter(), storeId: 'user-456' })
  const project = store.collection(projects).create(
    {
      userId: 'user_456',
      title: 'My Awesome App',
      slug: 'my-awesome-app',
      framework: 'react',
      status: 'active',
    },
    { id: 'proj_456' },
  )
  store
    .collection(projects)
    .create({ userId: 'user_456', title: 'Other', slug: 'other', framework: 'vue', status: 'active' })
  const page = projectPage(store, project.$id)
  const seenCounts: number[] = []
  const off = page.messages$.subscribe((m) => seenCounts.push(m.length))
  page.send('user', 'Create a button component')
  page.send('assistant', "I'll create a button component for you...")
  store.collection(files).createMany([
    {
      projectId: project.$id,
      path: 'src/App.tsx',
      type: 'file',
      content: 'import React…',
      language: 'typescript',
    },
    {
      projectId: project.$id,
      path: 'src/components/Button.tsx',
      type: 'file',
      content: 'export…',
      language: 'typescript',
    },
    { projectId: project.$id, path: 'src/styles/main.css', type: 'file', content: 'body{}', language: 'css' },
  ])
  const tree = page.tree$.get()
  off()
  const dashboard = store
    .collection(projects)
    .list([Query.equal('userId', 'user_456'), Query.orderDesc('$updatedAt')])
  log(
    'dashboard:',
    dashboard.documents.map((p) => p.title),
    'messages:',
    seenCounts,
    'tree:',
    JSON.stringify(tree),
  )
  const out = {
    dashboard: dashboard.documents.map((p) => p.title),
    lastMessageAt: store.collection(projects).get(project.$id)?.lastMessageAt,
    seenCounts,
    tree,
    pending: store.sync.pending().length,
  }
  store.close()
  return out
}
