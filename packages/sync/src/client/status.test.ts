import { computed, effect } from '@strata/core'
import { describe, expect, it } from 'vitest'
import { SyncConnectionError } from '../errors.js'
import { createSyncStatus } from './status.js'

describe('createSyncStatus', () => {
  it('starts offline and idle, with the given pending count', () => {
    const { status } = createSyncStatus({ pendingCount: 3 })
    expect(status.all.get()).toEqual({
      online: false,
      syncing: false,
      pendingCount: 3,
      lastSyncedAt: null,
      error: null,
    })
  })

  it('is a core node: computed and effect over it re-run on patches, once per patch', () => {
    const w = createSyncStatus()
    const label = computed(() =>
      w.status.online.get() ? `${w.status.pendingCount.get()} pending` : 'offline',
    )
    const seen: string[] = []
    const stop = effect(() => {
      seen.push(label.get())
    })
    w.patch({ online: true, pendingCount: 2 })
    w.patch({ pendingCount: 0 })
    w.patch({ online: false })
    stop()
    expect(seen).toEqual(['offline', '2 pending', '0 pending', 'offline'])
  })

  it('records an error and clears it with null', () => {
    const w = createSyncStatus()
    const errors: unknown[] = []
    const off = w.status.error.listen((e) => errors.push(e))
    const err = new SyncConnectionError('ws://x', 'refused')
    w.patch({ error: err })
    w.patch({ error: null })
    off()
    expect(errors).toEqual([err, null])
    expect(w.snapshot().error).toBeNull()
  })
})
