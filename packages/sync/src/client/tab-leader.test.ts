import { describe, expect, it } from 'vitest'
import { canCoordinateTabs, createTabLeader, type LockManagerLike, type TabMessage } from './tab-leader.js'

/** A fake exclusive lock manager for this unit only: FIFO queue per name, abortable waits. */
function fakeLocks(): LockManagerLike {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const runNext = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const grant = () => {
          held.add(name)
          callback({ name }).then(
            (v) => {
              runNext(name)
              resolve(v)
            },
            (e) => {
              runNext(name)
              reject(e)
            },
          )
        }
        if (!held.has(name)) return grant()
        const q = queues.get(name) ?? []
        q.push(grant)
        queues.set(name, q)
        options.signal?.addEventListener('abort', () => {
          const i = q.indexOf(grant)
          if (i >= 0) q.splice(i, 1)
          reject(new Error('AbortError'))
        })
      })
    },
  }
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5))
}

describe('createTabLeader', () => {
  it('leads at once where tabs cannot be coordinated (Node)', () => {
    expect(canCoordinateTabs()).toBe(false)
    let leading = 0
    const t = createTabLeader({
      storeId: 's',
      onLead: () => {
        leading++
        return () => leading--
      },
      onMessage: () => {},
    })
    expect(t.isLeader).toBe(true)
    expect(t.coordinated).toBe(false)
    expect(leading).toBe(1)
    t.stop()
    expect(leading).toBe(0)
  })

  it('elects one leader per store; the next tab takes over when the leader stops', async () => {
    const locks = fakeLocks()
    const log: string[] = []
    const tab = (id: string) =>
      createTabLeader({
        storeId: 'team-1',
        locks,
        createChannel: (n) => new BroadcastChannel(n) as never,
        onLead: () => {
          log.push(`${id} leads`)
          return () => log.push(`${id} stops`)
        },
        onMessage: () => {},
      })
    const a = tab('a')
    const b = tab('b')
    await until(() => log.length === 1)
    expect(a.isLeader).toBe(true)
    expect(b.isLeader).toBe(false)
    a.stop()
    await until(() => b.isLeader)
    expect(log).toEqual(['a leads', 'a stops', 'b leads'])
    b.stop()
  })

  it('carries messages between tabs of the same store only', async () => {
    const locks = fakeLocks()
    const got: TabMessage[] = []
    const mk = (storeId: string, onMessage: (m: TabMessage) => void) =>
      createTabLeader({
        storeId,
        locks,
        createChannel: (n) => new BroadcastChannel(n) as never,
        onLead: () => () => {},
        onMessage,
      })
    const leader = mk('s1', (m) => got.push(m))
    const follower = mk('s1', () => {})
    const other = mk('s2', () => {})
    other.post({ type: 'nudge' })
    follower.post({ type: 'nudge' })
    await until(() => got.some((m) => m.type === 'nudge'))
    expect(got.filter((m) => m.type === 'nudge')).toHaveLength(1)
    leader.stop()
    follower.stop()
    other.stop()
  })

  it('a follower that stops while waiting never leads', async () => {
    const locks = fakeLocks()
    const led: string[] = []
    const mk = (id: string) =>
      createTabLeader({
        storeId: 's',
        locks,
        createChannel: (n) => new BroadcastChannel(n) as never,
        onLead: () => {
          led.push(id)
          return () => {}
        },
        onMessage: () => {},
      })
    const a = mk('a')
    const b = mk('b')
    b.stop()
    a.stop()
    await new Promise((r) => setTimeout(r, 20))
    expect(led).toEqual(['a'])
  })

  it('a tab stands for leader only once eligible (it owns the store), even with the lock free', async () => {
    const locks = fakeLocks()
    const led: string[] = []
    let ownsStore: () => void = () => {}
    const owner = new Promise<void>((resolve) => {
      ownsStore = resolve
    })
    const mk = (id: string, eligible?: () => Promise<void>) =>
      createTabLeader({
        storeId: 'gate',
        locks,
        createChannel: (n) => new BroadcastChannel(n) as never,
        onLead: () => {
          led.push(id)
          return () => led.push(`${id} stops`)
        },
        onMessage: () => {},
        ...(eligible ? { eligible } : {}),
      })
    const waiting = mk('b', () => owner) // opened first, but a store follower
    await new Promise((r) => setTimeout(r, 20))
    expect(led).toEqual([]) // the lock was free: not eligible, so not taken
    ownsStore()
    await until(() => waiting.isLeader)
    expect(led).toEqual(['b'])
    waiting.stop()
    const never = mk('c', () => new Promise<void>(() => {}))
    never.stop()
    expect(led).toEqual(['b', 'b stops'])
  })
})
