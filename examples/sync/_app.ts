/**
 * The app of seed 004 ("dual storage: local cache + cloud database"), written with
 * Strata: projects, messages per project, files per project. What the seed glues by hand
 * — localStorage + Zustand + Appwrite calls + dedup + isSyncing/error flags — is here a
 * store schema (local SQLite, instant reads) plus one sync client (background sync,
 * status stores). Shared by the examples in this folder; not an example itself.
 */
import { startSyncServer, type SyncServer } from '@strata/server'
import { Column, createStore, Events, makeSchema, type Store, table } from '@strata/store'
import { nodeAdapter } from './_node.js' // = '@strata/store/node'
import { createSyncClient, type SyncClient } from '@strata/sync'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'

export const projects = table('projects', {
  id: Column.text({ primaryKey: true }),
  userId: Column.text(),
  title: Column.text(),
  slug: Column.text(),
  framework: Column.text({ default: 'react' }),
  status: Column.text({ default: 'active' }),
  createdAt: Column.text(),
  updatedAt: Column.text(),
})

export const messages = table(
  'messages',
  {
    id: Column.text({ primaryKey: true }),
    projectId: Column.text(),
    role: Column.text(),
    content: Column.text(),
    sequence: Column.integer(),
    createdAt: Column.text(),
  },
  { indexes: [{ columns: ['projectId', 'sequence'] }] },
)

export const files = table(
  'files',
  {
    id: Column.text({ primaryKey: true }),
    projectId: Column.text(),
    path: Column.text(),
    type: Column.text(), // 'file' | 'directory'
    content: Column.text({ nullable: true }),
    language: Column.text({ nullable: true }),
    updatedAt: Column.text(),
  },
  { indexes: [{ columns: ['projectId', 'path'] }] },
)

const iso = z.string().min(1)
export const events = {
  projectCreated: Events.synced({
    name: 'v1.ProjectCreated',
    schema: z.object({
      id: z.string(),
      userId: z.string(),
      title: z.string().min(1),
      slug: z.string().min(1),
      framework: z.string().optional(),
      createdAt: iso,
    }),
  }),
  projectUpdated: Events.synced({
    name: 'v1.ProjectUpdated',
    schema: z.object({
      id: z.string(),
      title: z.string().min(1).optional(),
      status: z.string().optional(),
      updatedAt: iso,
    }),
  }),
  projectDeleted: Events.synced({ name: 'v1.ProjectDeleted', schema: z.object({ id: z.string() }) }),
  messageAdded: Events.synced({
    name: 'v1.MessageAdded',
    schema: z.object({
      id: z.string(),
      projectId: z.string(),
      role: z.enum(['user', 'assistant']),
      content: z.string(),
      sequence: z.number().int(),
      createdAt: iso,
    }),
  }),
  fileSaved: Events.synced({
    name: 'v1.FileSaved',
    schema: z.object({
      id: z.string(),
      projectId: z.string(),
      path: z.string().min(1),
      type: z.enum(['file', 'directory']),
      content: z.string().nullable(),
      language: z.string().nullable(),
      updatedAt: iso,
    }),
  }),
  fileDeleted: Events.synced({ name: 'v1.FileDeleted', schema: z.object({ id: z.string() }) }),
}

export const schema = makeSchema({
  events,
  tables: { projects, messages, files },
  materializers: {
    // upsert by id: the seed's "check if project already exists (prevent duplicates)"
    // becomes a property of the materializer — the same create seen twice is one row.
    'v1.ProjectCreated': (p, db) =>
      db.upsert(projects, {
        id: p.id,
        userId: p.userId,
        title: p.title,
        slug: p.slug,
        framework: p.framework ?? 'react',
        createdAt: p.createdAt,
        updatedAt: p.createdAt,
      }),
    'v1.ProjectUpdated': ({ id, title, status, updatedAt }, db) => {
      db.update(projects, { id }, { ...(title ? { title } : {}), ...(status ? { status } : {}), updatedAt })
    },
    // Delete on both layers: the project and everything that belongs to it.
    'v1.ProjectDeleted': ({ id }, db) => {
      db.delete(messages, { projectId: id })
      db.delete(files, { projectId: id })
      db.delete(projects, { id })
    },
    'v1.MessageAdded': (m, db) => db.upsert(messages, m),
    'v1.FileSaved': (f, db) => db.upsert(files, f),
    'v1.FileDeleted': ({ id }, db) => {
      db.delete(files, { id })
    },
  },
})

export type AppStore = Store<typeof schema>

/** What every example needs: temp dirs and a server, all closed by `close()`. */
export interface Harness {
  server: SyncServer
  /** Opens (or re-opens) a device: a store file in its own directory plus a sync client. */
  device(name: string, options?: { dir?: string; autoStart?: boolean }): Promise<Device>
  /** Stops the server (simulates an outage). */
  stopServer(): Promise<void>
  /** Starts the server again on the same port and database. */
  restartServer(): Promise<void>
  close(): Promise<void>
}

export interface Device {
  name: string
  dir: string
  store: AppStore
  sync: SyncClient
  close(): void
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * Starts a real sync server (SQLite file, port 0, validating with the app's schema)
 * and hands out devices.
 * @param storeId the store every device syncs (one user's workspace)
 */
export async function startHarness(storeId = 'user:ada'): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'strata-example-sync-'))
  const db = join(root, 'server.db')
  let server = await startSyncServer({ port: 0, db, schema, logger: quiet })
  const port = server.port
  const devices: Device[] = []
  const harness: Harness = {
    get server() {
      return server
    },
    async device(name, options = {}) {
      const dir = options.dir ?? join(root, name)
      const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId })
      const sync = createSyncClient({
        store,
        url: server.wsUrl,
        backoff: { initialDelayMs: 50, maxDelayMs: 500 },
        ...(options.autoStart === false ? { autoStart: false } : {}),
      })
      const device: Device = {
        name,
        dir,
        store,
        sync,
        close() {
          sync.dispose()
          if (!store.closed) store.close()
        },
      }
      devices.push(device)
      return device
    },
    async stopServer() {
      await server.close({ timeoutMs: 1000 })
    },
    async restartServer() {
      server = await startSyncServer({ port, db, schema, logger: quiet })
    },
    async close() {
      for (const d of devices) d.close()
      await server.close({ timeoutMs: 1000 }).catch(() => {})
      rmSync(root, { recursive: true, force: true })
    },
  }
  return harness
}

/** Resolves when `cond()` holds; polls (examples never sleep-and-hope). */
export async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A project's files as the seed's tree: flat rows → nested directories. */
export interface TreeNode {
  name: string
  type: 'file' | 'directory'
  children?: TreeNode[]
}

/**
 * Builds the file tree of seed 004 ("Files are stored flat but displayed as a tree").
 * @param rows flat file rows of one project
 * @returns the root's children, directories first, then by name
 */
export function buildTree(rows: ReadonlyArray<{ path: string; type: string }>): TreeNode[] {
  const root: TreeNode = { name: '', type: 'directory', children: [] }
  for (const row of rows) {
    const parts = row.path.split('/')
    let node = root
    parts.forEach((part, i) => {
      const last = i === parts.length - 1
      node.children ??= []
      let child = node.children.find((c) => c.name === part)
      if (!child) {
        child = { name: part, type: last && row.type === 'file' ? 'file' : 'directory' }
        node.children.push(child)
      }
      node = child
    })
  }
  const sort = (nodes: TreeNode[]): TreeNode[] =>
    nodes
      .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1))
      .map((n) => (n.children ? { ...n, children: sort(n.children) } : n))
  return sort(root.children ?? [])
}
