import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { events, schema, todos } from '../../test/fixtures.js'
import { nodeAdapter } from '../adapters/node.js'
import { MaterializerError } from '../errors.js'
import { createStore } from './create-store.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-batched-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe("durability: 'batched' (group commit)", () => {
  it('groups commits, rolls a failing one back alone, and persists on flush', async () => {
    const store = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'g',
      durability: 'batched',
    })
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    expect(() =>
      store.commit(events.todoCreated({ id: 'b', title: 'B' }), events.todoExploded({ id: 'x' })),
    ).toThrow(MaterializerError)
    store.commit(events.todoCreated({ id: 'c', title: 'C' }))
    expect(store.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }])
    store.flush()
    store.close()
    const again = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    expect(again.boot.mode).toBe('opened')
    expect(again.query(todos.select('id').orderBy('id'))).toEqual([{ id: 'a' }, { id: 'c' }])
    expect(again.sync.pending().map((e) => e.seq)).toEqual([1, 2])
    again.close()
  })

  it('tells the sync client about pending events only once they are durable', async () => {
    const store = await createStore({
      schema,
      adapter: nodeAdapter({ directory: dir }),
      storeId: 'g',
      durability: 'batched',
    })
    let calls = 0
    store.sync.onPending(() => calls++)
    store.commit(events.todoCreated({ id: 'a', title: 'A' }))
    store.commit(events.todoCreated({ id: 'b', title: 'B' }))
    expect(calls).toBe(0)
    store.flush()
    expect(calls).toBe(1)
    store.commit(events.todoCreated({ id: 'c', title: 'C' }))
    // Reading pending flushes first, so nothing non-durable is ever pushed.
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1, 2, 3])
    expect(calls).toBe(2)
    store.close()
  })

  it('commits the group at the next macrotask: a process killed after it keeps the commit, one killed before loses it', async () => {
    // The store owns its files while open (decision 0056), so the check runs in a child
    // process that is killed with SIGKILL — no close(), no flush.
    const script = join(dir, 'child.mts')
    writeFileSync(
      script,
      `import { createStore } from ${JSON.stringify(join(import.meta.dirname, 'create-store.ts'))}
import { nodeAdapter } from ${JSON.stringify(join(import.meta.dirname, '../adapters/node.ts'))}
import { events, schema } from ${JSON.stringify(join(import.meta.dirname, '../../test/fixtures.ts'))}
const store = await createStore({ schema, adapter: nodeAdapter({ directory: process.argv[2] }), storeId: 'g', durability: 'batched' })
store.commit(events.todoCreated({ id: 'a', title: 'A' }))
await new Promise((r) => setTimeout(r, 20))
store.commit(events.todoCreated({ id: 'b', title: 'B' }))
process.stdout.write('committed\\n')
for (;;) {} // the task never ends: 'b' is never made durable
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('committed')) resolve()
      })
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('close', r))
    const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    expect(store.query(todos.select('id'))).toEqual([{ id: 'a' }])
    expect(store.sync.pending().map((e) => e.seq)).toEqual([1])
    store.close()
  })

  it('a store that is open cannot be opened a second time (store_locked)', async () => {
    const store = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    await expect(
      createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' }),
    ).rejects.toMatchObject({
      code: 'store_locked',
    })
    store.close()
    const again = await createStore({ schema, adapter: nodeAdapter({ directory: dir }), storeId: 'g' })
    expect(again.query(todos.count())).toBe(0)
    again.close()
  })
})
