// End to end: the connection drops after the server applied a push but before the
// client heard the ack. The client reconnects, learns lastSeq from `welcome`, and each
// event exists exactly once — on the server and in every store. Also: a store file
// restored from a backup learns from `welcome` which of its seqs the server already has.
import { cpSync } from 'node:fs'
import { createStore, type Store } from '@strata/store'
import { afterEach, describe, expect, it } from 'vitest'
import { nodeAdapter } from '../../store/src/node.js'
import { cleanup, type Device, openDevice, startServerProcess, tempDir, until } from './harness.js'
import { startRelay } from './relay.js'
import { events, schema, todos } from './todo-schema.js'

afterEach(cleanup)

async function serverLog(httpUrl: string, storeId: string) {
  const res = await fetch(`${httpUrl}/v1/stores/${encodeURIComponent(storeId)}/pull?cursor=0&limit=5000`)
  const body = (await res.json()) as {
    events: Array<{ clientId: string; seq: number; name: string; args: { id?: string } }>
  }
  return body.events
}

/** A device's todos as sorted `id:title` strings. */
const titles = (d: Device) =>
  d.store
    .query(todos)
    .map((t) => `${t.id}:${t.title}`)
    .sort()
/** A device's todo ids, sorted. */
const ids = (d: Device) =>
  d.store
    .query(todos)
    .map((t) => t.id)
    .sort()

/** A new device syncs from `url` and shows `expected` todos, and so does `device`. */
async function expectOnAFreshDevice(url: string, device: Device, expected: string[]): Promise<void> {
  const other = await openDevice(url)
  await other.client.whenSynced()
  expect(titles(other)).toEqual(expected)
  expect(titles(device)).toEqual(expected)
}

/** A device commits "b1", syncs and closes; its store directory is then copied aside. */
async function syncedBackup(url: string): Promise<{ dir: string; backup: string }> {
  const a = await openDevice(url)
  a.store.commit(events.todoCreated({ id: 'b1', title: 'in the backup' }))
  await a.client.whenSynced()
  a.close()
  const backup = tempDir()
  cpSync(a.dir, backup, { recursive: true })
  return { dir: a.dir, backup }
}

/** After the backup the device commits an event the (strict) server refuses: seq 2. */
async function refusedAfterBackup(url: string, dir: string): Promise<void> {
  const later = await openDevice(url, { dir })
  const refused: number[] = []
  later.client.onRejection((r) => refused.push(r.event.seq))
  later.store.commit(events.todoCreated({ id: 'x', title: 'a title that is far too long for the server' }))
  await until(() => refused.length === 1, 'the refusal of seq 2')
  later.close()
}

/** The restored store, opened without a sync client, commits `edit` and closes. */
async function editOffline(dir: string, edit: (store: Store<typeof schema>) => void): Promise<number[]> {
  const offline = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'team:e2e' })
  edit(offline)
  const seqs = offline.sync.pending().map((e) => e.seq)
  offline.close()
  return seqs
}

describe('exactly-once through the client', () => {
  it('a push applied before a lost ack is neither lost nor applied twice', async () => {
    const server = await startServerProcess()
    const relay = await startRelay(server.wsUrl)
    const a = await openDevice(relay.url)
    const b = await openDevice(server.wsUrl)
    await a.client.whenSynced()

    relay.dropAfterNextPush()
    a.store.commit(
      events.todoCreated({ id: 'x1', title: 'one' }),
      events.todoCreated({ id: 'x2', title: 'two' }),
      events.todoRenamed({ id: 'x1', title: 'one!' }),
    )
    await until(() => relay.swallowed.length === 1, 'the relay to cut the line after the push')
    await until(() => relay.connections >= 2, 'the client to reconnect')
    await a.client.whenSynced()
    await until(() => b.store.query(todos).length === 2, 'B to see both todos')

    const log = await serverLog(server.url, 'team:e2e')
    const mine = log.filter((e) => e.clientId === a.store.sync.clientId)
    expect(mine.map((e) => e.seq)).toEqual([1, 2, 3]) // each once, in order
    expect(a.store.sync.pending()).toEqual([])
    expect(a.store.sync.confirmedHead()).toBe(log.length)
    const rows = a.store.query(todos).map((t) => `${t.id}:${t.title}`)
    expect(rows.sort()).toEqual(['x1:one!', 'x2:two'])
    expect(
      b.store
        .query(todos)
        .map((t) => `${t.id}:${t.title}`)
        .sort(),
    ).toEqual(rows.sort())
  })

  it('a store reopened from disk after a crash mid-push does not push twice', async () => {
    const server = await startServerProcess()
    const relay = await startRelay(server.wsUrl)
    const first = await openDevice(relay.url)
    await first.client.whenSynced()
    relay.dropAfterNextPush()
    first.store.commit(events.todoCreated({ id: 'p1', title: 'persisted' }))
    await until(() => relay.swallowed.length === 1, 'the cut')
    // The app is closed before it could reconnect: the event is still pending on disk.
    first.close()
    const again = await openDevice(server.wsUrl, { dir: first.dir })
    expect(again.store.sync.pending().map((e) => e.seq)).toEqual([1])
    await again.client.whenSynced()
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.filter((e) => e.name === 'v1.TodoCreated')).toHaveLength(1)
    expect(again.store.query(todos).map((t) => t.id)).toEqual(['p1'])
  })

  it('a store file restored from a backup does not reuse the seqs its lost events had', async () => {
    const server = await startServerProcess()
    const { dir, backup } = await syncedBackup(server.wsUrl)
    // After the backup was taken the device made two more edits, which the server has.
    const later = await openDevice(server.wsUrl, { dir })
    later.store.commit(events.todoCreated({ id: 'l1', title: 'after the backup' }))
    later.store.commit(events.todoRenamed({ id: 'b1', title: 'renamed after the backup' }))
    await later.client.whenSynced()
    later.close()

    // The device is restored from the backup: its log ends at seq 1, the server's at 3.
    const restored = await openDevice(server.wsUrl, { dir: backup })
    expect(restored.store.sync.lastSeq()).toBe(1)
    await restored.client.whenSynced()
    expect(restored.store.sync.lastSeq()).toBe(3)
    restored.store.commit(events.todoCreated({ id: 'r1', title: 'after the restore' }))
    expect(restored.store.sync.pending().map((e) => e.seq)).toEqual([4])
    await restored.client.whenSynced()

    // The new edit reached the server (as seq 4, not as a "re-push" of seq 2) and others.
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.map((e) => [e.seq, e.name])).toEqual([
      [1, 'v1.TodoCreated'],
      [2, 'v1.TodoCreated'],
      [3, 'v1.TodoRenamed'],
      [4, 'v1.TodoCreated'],
    ])
    await expectOnAFreshDevice(server.wsUrl, restored, [
      'b1:renamed after the backup',
      'l1:after the backup',
      'r1:after the restore',
    ])
  })

  it("a restored store skips a seq the server refused after the backup (welcome's lastSeq, not the events)", async () => {
    const server = await startServerProcess({ strict: true })
    const { dir, backup } = await syncedBackup(server.wsUrl)
    await refusedAfterBackup(server.wsUrl, dir)

    // Seq 2 was refused, so no event carries it back: only `welcome` says the server has it.
    const restored = await openDevice(server.wsUrl, { dir: backup })
    const rejections: number[] = []
    restored.client.onRejection((r) => rejections.push(r.event.seq))
    await restored.client.whenSynced()
    restored.store.commit(events.todoCreated({ id: 'r1', title: 'short' }))
    await restored.client.whenSynced()
    expect(rejections).toEqual([])
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.map((e) => e.seq)).toEqual([1, 3])
    expect(ids(restored)).toEqual(['b1', 'r1'])
  })

  it('an edit made on a restored store before it synced, under a seq the server refused for another event, is pushed, not given that old refusal', async () => {
    const server = await startServerProcess({ strict: true })
    const { dir, backup } = await syncedBackup(server.wsUrl)
    await refusedAfterBackup(server.wsUrl, dir)

    // Restored and edited offline: the edit gets seq 2, which the server refused for "x".
    const seqs = await editOffline(backup, (offline) => {
      offline.commit(events.todoCreated({ id: 'o1', title: 'offline' }))
      offline.commit(events.todoRenamed({ id: 'o1', title: 'renamed' }))
    })
    expect(seqs).toEqual([2, 3])

    const restored = await openDevice(server.wsUrl, { dir: backup })
    const rejections: string[] = []
    restored.client.onRejection((r) => rejections.push(r.reason))
    await restored.client.whenSynced()
    expect(rejections).toEqual([])
    expect(restored.store.sync.pending()).toEqual([])
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.map((e) => [e.seq, e.name, e.args.id])).toEqual([
      [1, 'v1.TodoCreated', 'b1'],
      [3, 'v1.TodoCreated', 'o1'],
      [4, 'v1.TodoRenamed', 'o1'],
    ])
    await expectOnAFreshDevice(server.wsUrl, restored, ['b1:in the backup', 'o1:renamed'])
  })

  it('an event refused while its ack was lost is judged again under a new seq: refused again, reported once', async () => {
    const server = await startServerProcess({ strict: true })
    const relay = await startRelay(server.wsUrl)
    const a = await openDevice(relay.url)
    await a.client.whenSynced()
    const rejections: Array<[number, string]> = []
    a.client.onRejection((r) => rejections.push([r.event.seq, r.event.name]))
    relay.dropAfterNextPush()
    a.store.commit(events.todoCreated({ id: 'x', title: 'a title that is far too long for the server' }))
    await until(() => relay.swallowed.length === 1, 'the relay to cut the line after the push')
    await until(() => rejections.length === 1, 'the refusal, after the reconnect')
    expect(rejections).toEqual([[2, 'v1.TodoCreated']])
    expect(a.store.sync.pending()).toEqual([])
    expect(ids(a)).toEqual([])
    a.store.commit(events.todoCreated({ id: 'ok', title: 'short' }))
    await a.client.whenSynced()
    expect(rejections).toHaveLength(1)
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.map((e) => [e.seq, e.args.id])).toEqual([[3, 'ok']])
  })

  it('edits made on a restored store before it synced are not taken for the events the server has under their seqs, and arrive in order', async () => {
    const server = await startServerProcess()
    const { dir, backup } = await syncedBackup(server.wsUrl)
    const later = await openDevice(server.wsUrl, { dir })
    later.store.commit(events.todoCreated({ id: 'l1', title: 'after the backup' }))
    await later.client.whenSynced()
    later.close()

    // Restored and edited offline: the first edit gets seq 2, which the server has for
    // "l1"; the rename (seq 3) depends on it and must not reach the server first.
    const seqs = await editOffline(backup, (offline) => {
      offline.commit(events.todoCreated({ id: 'o1', title: 'offline after the restore' }))
      offline.commit(events.todoRenamed({ id: 'o1', title: 'renamed offline' }))
      offline.commit(events.todoCreated({ id: 'o2', title: 'second offline' }))
    })
    expect(seqs).toEqual([2, 3, 4])

    const restored = await openDevice(server.wsUrl, { dir: backup })
    await restored.client.whenSynced()
    expect(restored.store.sync.pending()).toEqual([])
    const log = await serverLog(server.url, 'team:e2e')
    expect(log.map((e) => [e.seq, e.name, e.args.id])).toEqual([
      [1, 'v1.TodoCreated', 'b1'],
      [2, 'v1.TodoCreated', 'l1'],
      [3, 'v1.TodoCreated', 'o1'],
      [4, 'v1.TodoRenamed', 'o1'],
      [5, 'v1.TodoCreated', 'o2'],
    ])
    await expectOnAFreshDevice(server.wsUrl, restored, [
      'b1:in the backup',
      'l1:after the backup',
      'o1:renamed offline',
      'o2:second offline',
    ])
  })
})
