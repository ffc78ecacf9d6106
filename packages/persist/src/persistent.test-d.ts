// Type tests: wrong values, schemas, options and engines must fail to compile.
import { map, signal } from '@strata/core'
import { z } from 'zod'
import { memoryEngine } from './engines/memory.js'
import type { AsyncEngine, SyncEngine } from './engines/types.js'
import type { HydrationStatus } from './options.js'
import { persistent } from './persistent.js'
import { persistentMap } from './persistent-map.js'

const engine = memoryEngine()

// The value type comes from the initial value…
const theme = persistent<'light' | 'dark'>('light', 'theme', { engine })
theme.set('dark')
// @ts-expect-error not a theme
theme.set('blue')

// …or from the persisted store.
const count = persistent(signal(0), 'count', { engine })
const n: number = count.get()
// @ts-expect-error a number store
count.set('1')

// The schema must describe the store's value.
persistent({ a: 1 }, 'obj', { engine, schema: z.object({ a: z.number() }) })
// @ts-expect-error schema output does not match the value
persistent({ a: 1 }, 'obj', { engine, schema: z.object({ a: z.string() }) })

// partialize receives the value type.
persistent({ a: 1, b: 'x' }, 'p', { engine, partialize: (v) => ({ a: v.a }) })
// @ts-expect-error no such field
persistent({ a: 1 }, 'p', { engine, partialize: (v) => v.missing })

// Options are checked.
// @ts-expect-error version is a number
persistent(0, 'v', { engine, version: '2' })
// @ts-expect-error not an engine
persistent(0, 'e', { engine: localStorage })

// Controls are typed.
const status: HydrationStatus = count.hydration.get()
// @ts-expect-error hydration is read-only
count.hydration.set('ready')
const ready: Promise<void> = count.ready

// Maps: keys and entry values are typed; undefined deletes.
const panels = persistentMap<Record<string, { x: number }>>({}, 'panels:', {
  engine,
  entrySchema: z.object({ x: z.number() }),
})
panels.setKey('a', { x: 1 })
panels.setKey('a', undefined)
// @ts-expect-error wrong entry type
panels.setKey('a', { x: 'one' })
// @ts-expect-error entry schema must match the entry type
persistentMap<Record<string, number>>({}, 'n:', { engine, entrySchema: z.string() })
const profile = persistentMap(map<{ name: string; age?: number }>({ name: 'Ada' }), 'profile:', { engine })
// @ts-expect-error unknown key
profile.setKey('email', 'x')

// Engines: a sync engine returns values, an async engine promises.
const sync: SyncEngine = memoryEngine()
const text: string | null = sync.getItem('k')
const asyncEngine: AsyncEngine = { ...sync, sync: false } as unknown as AsyncEngine
// @ts-expect-error async reads are promises
const wrong: string | null = asyncEngine.getItem('k')

export { n, ready, status, text, wrong }
