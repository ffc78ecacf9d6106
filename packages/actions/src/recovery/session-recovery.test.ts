import { signal } from '@strata/core'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { RecoveryError } from '../errors.js'
import { type SessionStorageLike, sessionRecovery } from './session-recovery.js'

/** A real in-memory implementation of the storage contract (async, like IndexedDB wrappers). */
class MemoryStorage implements SessionStorageLike {
  readonly items = new Map<string, string>()
  writes = 0
  async getItem(key: string) {
    return this.items.get(key) ?? null
  }
  async setItem(key: string, value: string) {
    this.writes++
    this.items.set(key, value)
  }
  async removeItem(key: string) {
    this.items.delete(key)
  }
}

const schema = z.object({ step: z.number().int().min(0), answers: z.record(z.string(), z.string()) })

function setup(storage = new MemoryStorage()) {
  const step = signal(0)
  const answers = signal<Record<string, string>>({})
  const session = sessionRecovery({ key: 'wf', storage, stores: { step, answers }, schema, debounce: 20 })
  return { storage, step, answers, session }
}

describe('sessionRecovery', () => {
  it('auto-saves debounced: a burst of changes is one write', async () => {
    const { storage, step, answers, session } = setup()
    const stop = session.start()
    step.set(1)
    answers.set({ q1: 'yes' })
    step.set(2)
    await vi.waitFor(() => expect(storage.writes).toBe(1))
    stop()
    const saved = JSON.parse(storage.items.get('wf') ?? 'null')
    expect(saved.data).toEqual({ step: 2, answers: { q1: 'yes' } })
    expect(session.status.peek().lastSavedAt).toBe(saved.savedAt)
  })

  it('recover restores every store in one go after a "reload"', async () => {
    const first = setup()
    first.step.set(3)
    first.answers.set({ q: 'a' })
    await first.session.flush()
    const second = setup(first.storage)
    expect(await second.session.check()).toMatchObject({ available: true })
    const r = await second.session.recover()
    expect(r).toMatchObject({ ok: true, recovered: true })
    expect([second.step.peek(), second.answers.peek()]).toEqual([3, { q: 'a' }])
  })

  it('nothing saved: recovered false, stores untouched', async () => {
    const { step, session } = setup()
    expect(await session.recover()).toEqual({ ok: true, recovered: false })
    expect(step.peek()).toBe(0)
  })

  it('saved data failing the schema: typed error, nothing restored, data kept in storage', async () => {
    const { storage, step, answers, session } = setup()
    const bad = JSON.stringify({ savedAt: 1, data: { step: -4, answers: { q: 'x' } } })
    storage.items.set('wf', bad)
    const r = await session.recover()
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toBeInstanceOf(RecoveryError)
    expect(r.error.code).toBe('RECOVERY_INVALID')
    expect(r.error.issues[0]?.path).toEqual(['step'])
    expect([step.peek(), answers.peek()]).toEqual([0, {}])
    expect(storage.items.get('wf')).toBe(bad)
  })

  it('corrupt JSON: RECOVERY_CORRUPT, nothing restored', async () => {
    const { storage, step, session } = setup()
    storage.items.set('wf', '{"savedAt": 1, "da')
    const r = await session.recover()
    expect(!r.ok && r.error.code).toBe('RECOVERY_CORRUPT')
    expect(step.peek()).toBe(0)
    expect(await session.check()).toEqual({ available: false, savedAt: undefined })
  })

  it('a failing storage is reported in status and to onError, not swallowed', async () => {
    const storage: SessionStorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError')
      },
      removeItem: () => undefined,
    }
    const errors: unknown[] = []
    const step = signal(0)
    const session = sessionRecovery({
      key: 'k',
      storage,
      stores: { step },
      debounce: 5,
      onError: (e) => errors.push(e),
    })
    const stop = session.start()
    step.set(1)
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    stop()
    expect((session.status.peek().error as Error).name).toBe('QuotaExceededError')
    await expect(session.flush()).rejects.toThrow('quota exceeded')
  })

  it('clear removes the saved data', async () => {
    const { storage, session } = setup()
    await session.flush()
    await session.clear()
    expect(storage.items.has('wf')).toBe(false)
  })
})
