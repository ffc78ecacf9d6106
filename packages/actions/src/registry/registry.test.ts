import { signal } from '@strata/core'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  ActionHandlerError,
  ActionLoopError,
  ActionTimeoutError,
  ActionValidationError,
  DuplicateHandlerError,
  UnknownActionError,
} from '../errors.js'
import { createActions } from './registry.js'

interface Acts {
  rename: { name: string }
  add: { n: number }
  ping: undefined
  pong: undefined
  search: { q: string }
  slow: undefined
}

describe('registration and pipeline', () => {
  it('runs handlers by priority, then registration order, and reports which ran', async () => {
    const a = createActions<Acts>()
    const seen: string[] = []
    a.register('add', () => void seen.push('low'), { id: 'low', priority: -1 })
    a.register('add', () => void seen.push('first'), { id: 'first' })
    a.register('add', () => void seen.push('high'), { id: 'high', priority: 5 })
    a.register('add', () => void seen.push('second'), { id: 'second' })
    const r = await a.dispatchWithResult('add', { n: 1 })
    expect(seen).toEqual(['high', 'first', 'second', 'low'])
    expect(r.handlersRun).toEqual(['high', 'first', 'second', 'low'])
    expect(r.success).toBe(true)
    expect(r.duration).toBeGreaterThanOrEqual(0)
  })

  it('unregister removes the handler; once runs exactly once', async () => {
    const a = createActions<Acts>()
    let kept = 0
    let onced = 0
    const off = a.register('add', () => void kept++)
    a.register('add', () => void onced++, { once: true })
    await a.dispatch('add', { n: 1 })
    await a.dispatch('add', { n: 1 })
    off()
    expect(a.handlerCount('add')).toBe(0)
    expect([kept, onced]).toEqual([2, 1])
  })

  it('condition skips a handler for payloads it does not accept', async () => {
    const a = createActions<Acts>()
    const got: number[] = []
    a.register('add', (p) => void got.push(p.n), { condition: (p) => p.n > 0 })
    a.register('add', () => undefined)
    await a.dispatch('add', { n: -1 })
    await a.dispatch('add', { n: 2 })
    expect(got).toEqual([2])
  })

  it('duplicate ids are refused with a typed error', () => {
    const a = createActions<Acts>()
    a.register('add', () => undefined, { id: 'x' })
    expect(() => a.register('add', () => undefined, { id: 'x' })).toThrow(DuplicateHandlerError)
  })

  it('controller: modifyPayload feeds later handlers, setResult and return collect results', async () => {
    const a = createActions<Acts, { add: number }>()
    a.register('add', (_p, c) => c.modifyPayload((p) => ({ n: p.n * 10 })), { priority: 2 })
    a.register('add', (p, c) => c.setResult(p.n), { priority: 1 })
    a.register('add', (p, c) => c.return(p.n + 1))
    a.register('add', () => 999, { priority: -1 })
    const r = await a.dispatchWithResult('add', { n: 2 })
    expect(r.results).toEqual([20, 21])
    expect(r.result).toBe(21)
    expect(r.terminated).toBe(true)
    expect(r.handlersRun).not.toContain('add#7')
    expect(r.handlersRun).toHaveLength(3)
  })

  it('handler return values are results', async () => {
    const a = createActions<Acts, { add: number }>()
    a.register('add', async (p) => p.n * 2)
    expect((await a.dispatchWithResult('add', { n: 4 })).result).toBe(8)
  })

  it('abort stops the pipeline, resolves dispatch, and is reported with its reason', async () => {
    const a = createActions<Acts>()
    let after = false
    a.register('rename', (p, c) => {
      if (!p.name.trim()) c.abort('Name cannot be empty')
    })
    a.register('rename', () => void (after = true), { priority: -1 })
    await expect(a.dispatch('rename', { name: ' ' })).resolves.toBeUndefined()
    const r = await a.dispatchWithResult('rename', { name: '' })
    expect(r).toMatchObject({ success: false, aborted: true, abortReason: 'Name cannot be empty' })
    expect(after).toBe(false)
  })

  it('non-blocking handlers start and let the next run, but are awaited and reported', async () => {
    const a = createActions<Acts>()
    const order: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    a.register(
      'add',
      async () => {
        order.push('bg-start')
        await gate
        order.push('bg-end')
        throw new Error('late boom')
      },
      { id: 'bg', blocking: false, priority: 1 },
    )
    a.register('add', () => {
      order.push('next')
      release()
    })
    const r = await a.dispatchWithResult('add', { n: 1 })
    expect(order).toEqual(['bg-start', 'next', 'bg-end'])
    expect(r.error).toBeInstanceOf(ActionHandlerError)
    expect((r.error as ActionHandlerError).handlerId).toBe('bg')
  })
})

describe('handler errors are reported, never swallowed', () => {
  it('a throwing handler stops the sequential pipeline and rejects dispatch with a typed error', async () => {
    const a = createActions<Acts>()
    let later = false
    a.register(
      'add',
      () => {
        throw new Error('boom')
      },
      { id: 'thrower' },
    )
    a.register('add', () => void (later = true), { priority: -1 })
    const err = await a.dispatch('add', { n: 1 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionHandlerError)
    expect((err as ActionHandlerError).message).toContain('"thrower" of action "add" failed: boom')
    expect((err as Error).cause).toEqual(new Error('boom'))
    expect(later).toBe(false)
  })

  it('parallel mode reports every failure (AggregateError from dispatch)', async () => {
    const a = createActions<Acts>({ actions: { add: { mode: 'parallel' } } })
    a.register('add', async () => {
      throw new Error('a')
    })
    a.register('add', async () => {
      throw new Error('b')
    })
    let ok = false
    a.register('add', async () => void (ok = true))
    const r = await a.dispatchWithResult('add', { n: 1 })
    expect(r.errors.map((e) => (e.cause as Error).message)).toEqual(['a', 'b'])
    expect(ok).toBe(true)
    await expect(a.dispatch('add', { n: 1 })).rejects.toBeInstanceOf(AggregateError)
  })
})

describe('execution modes', () => {
  it('parallel starts all handlers before any finishes', async () => {
    const a = createActions<Acts>({ actions: { add: { mode: 'parallel' } } })
    const started: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    a.register('add', async () => {
      started.push('a')
      await gate
      return 'a'
    })
    a.register('add', async () => {
      started.push('b')
      release()
      return 'b'
    })
    const r = await a.dispatchWithResult('add', { n: 1 })
    expect(started).toEqual(['a', 'b'])
    expect(r.results).toEqual(['a', 'b'])
  })

  it('race: the first to settle wins and the others see their signal aborted', async () => {
    const a = createActions<Acts>({ actions: { add: { mode: 'race' } } })
    let loserAborted = false
    a.register(
      'add',
      (_p, c) =>
        new Promise<string>((resolve) => {
          c.signal.addEventListener('abort', () => {
            loserAborted = true
            resolve('late')
          })
        }),
    )
    a.register('add', async () => 'fast')
    const r = await a.dispatchWithResult('add', { n: 1 })
    expect(r.result).toBe('fast')
    expect(r.results).toEqual(['fast'])
    expect(loserAborted).toBe(true)
  })
})

describe('debounce, throttle, cancellation', () => {
  it('debounce runs only the last dispatch of a burst; earlier ones report aborted', async () => {
    const a = createActions<Acts>({ actions: { search: { debounce: 20 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const results = await Promise.all(['a', 'ab', 'abc'].map((q) => a.dispatchWithResult('search', { q })))
    expect(ran).toEqual(['abc'])
    expect(results.map((r) => r.aborted)).toEqual([true, true, false])
    expect(results[0]?.abortReason).toContain('superseded')
  })

  it('throttle lets the first through and drops the rest of the window', async () => {
    const a = createActions<Acts>({ actions: { search: { throttle: 60_000 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const first = await a.dispatchWithResult('search', { q: 'a' })
    const second = await a.dispatchWithResult('search', { q: 'b' })
    expect(ran).toEqual(['a'])
    expect(first.success).toBe(true)
    expect(second).toMatchObject({ aborted: true, success: false })
    expect(second.abortReason).toContain('throttled')
  })

  it('an AbortSignal cancels: a pre-aborted dispatch runs nothing; a mid-flight abort stops the pipeline', async () => {
    const a = createActions<Acts>()
    const ran: string[] = []
    let handlerSignal: AbortSignal | undefined
    const ac = new AbortController()
    a.register(
      'add',
      async (_p, c) => {
        ran.push('first')
        handlerSignal = c.signal
        ac.abort('user left')
        await new Promise((r) => setTimeout(r, 5))
      },
      { priority: 1 },
    )
    a.register('add', () => void ran.push('second'))
    const pre = new AbortController()
    pre.abort('too early')
    expect(await a.dispatchWithResult('add', { n: 1 }, { signal: pre.signal })).toMatchObject({
      aborted: true,
      abortReason: 'too early',
      handlersRun: [],
    })
    const r = await a.dispatchWithResult('add', { n: 1 }, { signal: ac.signal })
    expect(r).toMatchObject({ aborted: true, abortReason: 'user left' })
    expect(ran).toEqual(['first'])
    expect(handlerSignal?.aborted).toBe(true)
  })
})

describe('a cancelled dispatch never costs another dispatch its turn', () => {
  it('an already-aborted dispatch does not supersede a waiting debounced one', async () => {
    const a = createActions<Acts>({ actions: { search: { debounce: 10 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const first = a.dispatchWithResult('search', { q: 'kept' })
    const ac = new AbortController()
    ac.abort('user navigated away')
    const second = a.dispatchWithResult('search', { q: 'cancelled' }, { signal: ac.signal })
    const [r1, r2] = await Promise.all([first, second])
    expect(r2).toMatchObject({ aborted: true, abortReason: 'user navigated away', handlersRun: [] })
    expect(r1.success).toBe(true)
    expect(ran).toEqual(['kept'])
  })

  it('a debounced dispatch cancelled during its wait hands the turn back to the one it superseded', async () => {
    const a = createActions<Acts>({ actions: { search: { debounce: 10 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const first = a.dispatchWithResult('search', { q: 'kept' })
    const ac = new AbortController()
    const second = a.dispatchWithResult('search', { q: 'cancelled' }, { signal: ac.signal })
    setTimeout(() => ac.abort('user navigated away'), 5)
    const [r1, r2] = await Promise.all([first, second])
    expect(r2).toMatchObject({ aborted: true, abortReason: 'user navigated away' })
    expect(r1.success).toBe(true)
    expect(ran).toEqual(['kept'])
  })

  it('a cancelled dispatch that was not the last one leaves the last one waiting', async () => {
    const a = createActions<Acts>({ actions: { search: { debounce: 10 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const ac = new AbortController()
    const first = a.dispatchWithResult('search', { q: 'cancelled' }, { signal: ac.signal })
    const second = a.dispatchWithResult('search', { q: 'last' })
    ac.abort('gone')
    const [r1, r2] = await Promise.all([first, second])
    expect(r1).toMatchObject({ aborted: true, abortReason: 'gone' })
    expect(r2.success).toBe(true)
    expect(ran).toEqual(['last'])
  })

  it('an already-aborted dispatch does not use up the throttle window', async () => {
    const a = createActions<Acts>({ actions: { search: { throttle: 60_000 } } })
    const ran: string[] = []
    a.register('search', (p) => void ran.push(p.q))
    const ac = new AbortController()
    ac.abort()
    expect((await a.dispatchWithResult('search', { q: 'x' }, { signal: ac.signal })).aborted).toBe(true)
    const r = await a.dispatchWithResult('search', { q: 'real' })
    expect(r.success).toBe(true)
    expect(ran).toEqual(['real'])
  })
})

describe('dispatchWithResult never rejects', () => {
  it('a condition that throws is reported as that handler failing (ActionHandlerError), not a rejection', async () => {
    const a = createActions<{ go: { n: number } | null }>()
    const ran: string[] = []
    a.register('go', () => void ran.push('guarded'), { id: 'guarded', condition: (p) => p!.n > 0 })
    a.register('go', () => void ran.push('after'), { id: 'after' })
    const r = await a.dispatchWithResult('go', null)
    expect(r.success).toBe(false)
    expect(r.error).toBeInstanceOf(ActionHandlerError)
    expect((r.error as ActionHandlerError).handlerId).toBe('guarded')
    expect(r.error?.cause).toBeInstanceOf(TypeError)
    expect([ran, r.handlersRun]).toEqual([[], []])
    await expect(a.dispatch('go', null)).rejects.toBeInstanceOf(ActionHandlerError)
  })

  it('in parallel mode a throwing condition is one failure among the others; the rest still run', async () => {
    const a = createActions<{ go: { n: number } | null }>({ mode: 'parallel' })
    const ran: string[] = []
    a.register('go', () => void ran.push('guarded'), { id: 'guarded', condition: (p) => p!.n > 0 })
    a.register('go', () => void ran.push('other'), { id: 'other' })
    const r = await a.dispatchWithResult('go', null)
    expect(ran).toEqual(['other'])
    expect(r.errors.map((e) => e.constructor)).toEqual([ActionHandlerError])
  })

  it('a Standard Schema whose validate() throws is an ActionValidationError in the result, no handler runs', async () => {
    const crash = new Error('schema crashed')
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'x',
        validate: () => {
          throw crash
        },
      },
    }
    const a = createActions<{ go: number }>({ actions: { go: { schema } } })
    const ran: number[] = []
    a.register('go', (n) => void ran.push(n))
    const r = await a.dispatchWithResult('go', 1)
    expect(r.error).toBeInstanceOf(ActionValidationError)
    expect(r.error?.message).toContain('schema crashed')
    expect(r.error?.cause).toBe(crash)
    expect(ran).toEqual([])
    await expect(a.dispatch('go', 1)).rejects.toBeInstanceOf(ActionValidationError)
  })
})

describe('bad input: typed errors naming action and cause, state unchanged', () => {
  it('unknown action', async () => {
    const a = createActions<Acts>()
    const user = signal('Ada')
    a.register('add', () => user.set('changed'))
    const r = await a.dispatchWithResult('rename', { name: 'x' })
    expect(r.error).toBeInstanceOf(UnknownActionError)
    expect(user.peek()).toBe('Ada')
    expect(r.error?.message).toContain('"rename"')
    await expect(a.dispatch('rename', { name: 'x' })).rejects.toMatchObject({
      code: 'UNKNOWN_ACTION',
      action: 'rename',
    })
  })

  it('payload failing its Standard Schema: no handler runs', async () => {
    const a = createActions<Acts>({ actions: { rename: { schema: z.object({ name: z.string().min(1) }) } } })
    const user = signal('Ada')
    const seen: string[] = []
    user.listen((v) => seen.push(v))
    a.register('rename', (p) => user.set(p.name))
    const err = await a.dispatch('rename', { name: '' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionValidationError)
    expect((err as ActionValidationError).message).toMatch(/"rename".*name:/)
    expect((err as ActionValidationError).issues.length).toBeGreaterThan(0)
    expect(user.peek()).toBe('Ada')
    expect(seen).toEqual([])
  })

  it('the schema output (transformed) is what handlers receive', async () => {
    const a = createActions<Acts>({
      actions: { rename: { schema: z.object({ name: z.string().transform((s) => s.trim()) }) } },
    })
    let got = ''
    a.register('rename', (p) => void (got = p.name))
    await a.dispatch('rename', { name: '  Ada ' })
    expect(got).toBe('Ada')
  })

  it('re-entrant loop (sync and across awaits via controller.dispatch): ActionLoopError, writes after it never happen', async () => {
    const a = createActions<Acts>({ maxDepth: 8 })
    const pings = signal(0)
    a.register('ping', async (_p, c) => {
      await Promise.resolve()
      await c.dispatch('pong')
      pings.update((n) => n + 1)
    })
    a.register('pong', () => a.dispatch('ping'))
    const err = await a.dispatch('ping').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionHandlerError)
    let root: unknown = err
    while (root instanceof ActionHandlerError) root = root.cause
    expect(root).toBeInstanceOf(ActionLoopError)
    expect((root as ActionLoopError).chain).toHaveLength(8)
    expect((root as ActionLoopError).message).toContain('ping → pong → ping')
    expect(pings.peek()).toBe(0)
  })

  it('a handler that never settles: ActionTimeoutError, its signal aborted, state unchanged', async () => {
    const late = vi.fn()
    const a = createActions<Acts>({ timeout: 30, onLateError: late })
    const value = signal(1)
    let handlerSignal: AbortSignal | undefined
    a.register(
      'slow',
      async (_p, c) => {
        handlerSignal = c.signal
        await new Promise(() => {})
        value.set(2)
      },
      { id: 'hang' },
    )
    const r = await a.dispatchWithResult('slow')
    expect(r.error).toBeInstanceOf(ActionTimeoutError)
    expect(r.error?.message).toBe('Handler "hang" of action "slow" did not settle within 30 ms')
    expect(handlerSignal?.aborted).toBe(true)
    expect(value.peek()).toBe(1)
  })

  it('a timed-out handler that fails later reaches onLateError', async () => {
    const late: Error[] = []
    const a = createActions<Acts>({ timeout: 10, onLateError: (e) => late.push(e) })
    let fail!: () => void
    a.register('slow', () => new Promise<void>((_, reject) => (fail = () => reject(new Error('later')))))
    await a.dispatchWithResult('slow')
    fail()
    await vi.waitFor(() => expect(late).toHaveLength(1))
    expect(late[0]).toBeInstanceOf(ActionHandlerError)
  })
})
