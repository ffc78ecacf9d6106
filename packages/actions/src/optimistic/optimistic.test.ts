import { signal } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { optimistic } from './optimistic.js'

interface Item {
  id: string
  text: string
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('optimistic', () => {
  it('applies at once, shows the op as pending, confirms with the server result', async () => {
    const items = signal<Item[]>([])
    const opt = optimistic(items)
    const server = deferred<Item>()
    const seen: Item[][] = []
    items.listen((v) => seen.push(v))
    const done = opt.mutate({
      label: 'add a',
      apply: (l) => [...l, { id: 'temp', text: 'a' }],
      request: () => server.promise,
      confirm: (l, saved) => l.map((i) => (i.id === 'temp' ? saved : i)),
    })
    expect(items.peek()).toEqual([{ id: 'temp', text: 'a' }])
    expect(opt.pending.peek().map((p) => p.label)).toEqual(['add a'])
    server.resolve({ id: 's1', text: 'a' })
    await expect(done).resolves.toEqual({ id: 's1', text: 'a' })
    expect(items.peek()).toEqual([{ id: 's1', text: 'a' }])
    expect(opt.pending.peek()).toEqual([])
    expect(seen).toEqual([[{ id: 'temp', text: 'a' }], [{ id: 's1', text: 'a' }]])
  })

  it('a failure rolls back only its own change, not a later one still pending or confirmed', async () => {
    const items = signal<Item[]>([{ id: '1', text: 'one' }])
    const opt = optimistic(items)
    const first = deferred<void>()
    const second = deferred<void>()
    const a = opt.mutate({ apply: (l) => [...l, { id: 'a', text: 'A' }], request: () => first.promise })
    const b = opt.mutate({ apply: (l) => [...l, { id: 'b', text: 'B' }], request: () => second.promise })
    expect(items.peek().map((i) => i.id)).toEqual(['1', 'a', 'b'])
    first.reject(new Error('offline'))
    await expect(a).rejects.toThrow('offline')
    expect(items.peek().map((i) => i.id)).toEqual(['1', 'b'])
    expect(opt.pending.peek()).toHaveLength(1)
    second.resolve()
    await b
    expect(items.peek().map((i) => i.id)).toEqual(['1', 'b'])
    expect(opt.pending.peek()).toEqual([])
  })

  it('updates roll back to the confirmed value, keeping a concurrent confirmed change', async () => {
    const items = signal<Item[]>([
      { id: '1', text: 'one' },
      { id: '2', text: 'two' },
    ])
    const opt = optimistic(items)
    const slow = deferred<void>()
    const edit = opt.mutate({
      apply: (l) => l.map((i) => (i.id === '1' ? { ...i, text: 'ONE?' } : i)),
      request: () => slow.promise,
    })
    await opt.mutate({
      apply: (l) => l.map((i) => (i.id === '2' ? { ...i, text: 'TWO' } : i)),
      request: async () => undefined,
    })
    slow.reject(new Error('409'))
    await expect(edit).rejects.toThrow('409')
    expect(items.peek()).toEqual([
      { id: '1', text: 'one' },
      { id: '2', text: 'TWO' },
    ])
  })

  it('setConfirmed (e.g. a server push) replays pending ops on top', async () => {
    const n = signal(0)
    const opt = optimistic(n)
    const slow = deferred<void>()
    const p = opt.mutate({ apply: (v) => v + 1, request: () => slow.promise })
    opt.setConfirmed(() => 10)
    expect(n.peek()).toBe(11)
    slow.resolve()
    await p
    expect(n.peek()).toBe(11)
  })
})

describe('optimistic: a change that fails to show', () => {
  it('an apply that throws rejects its mutate, sends no request and leaves later mutations working', async () => {
    const n = signal(0)
    const opt = optimistic(n)
    let requested = false
    const bad = await opt
      .mutate({
        apply: () => {
          throw new Error('bad apply')
        },
        request: async () => {
          requested = true
          return 1
        },
      })
      .catch((e: Error) => e.message)
    expect([bad, requested, opt.pending.peek()]).toEqual(['bad apply', false, []])
    await expect(opt.mutate({ apply: (v) => v + 1, request: async () => 'ok' })).resolves.toBe('ok')
    expect(n.peek()).toBe(1)
    opt.setConfirmed((v) => v + 10)
    expect(n.peek()).toBe(11)
  })

  it('a listener throwing on the optimistic render rolls the change back and sends no request', async () => {
    const n = signal(0)
    const opt = optimistic(n)
    let calls = 0
    const off = n.listen(() => {
      if (calls++ === 0) throw new Error('listener failed once')
    })
    let requested = false
    const failed = await opt
      .mutate({
        apply: (v) => v + 1,
        request: async () => {
          requested = true
          return 'x'
        },
      })
      .catch((e: Error) => e.message)
    off()
    expect([failed, requested, opt.pending.peek().length, n.peek()]).toEqual([
      'listener failed once',
      false,
      0,
      0,
    ])
    await expect(opt.mutate({ apply: (v) => v + 2, request: async () => 'ok' })).resolves.toBe('ok')
    expect(n.peek()).toBe(2)
  })
})
