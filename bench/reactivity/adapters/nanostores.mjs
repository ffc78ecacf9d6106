// Adapter: nanostores, with auto-tracking written here on top of its atoms.
//
// Nanostores' own computed() takes a fixed list of stores; the benchmark graphs need
// computeds that discover (and drop) dependencies while they run. So this adapter builds
// a computed from a nanostores atom plus onMount, the way nanostores' computed is built,
// except the store list is recorded during each run:
//   - a computed is an atom whose get() first refreshes it. A refresh is skipped when
//     nanostores' global epoch has not moved (nothing changed anywhere), and otherwise
//     re-runs fn only if a store read by the previous run now holds a different value —
//     nanostores' own "previous args" check, per read instead of per declared store;
//   - while the atom is mounted (someone listens), it listens to exactly the stores the
//     last run read, and a notification from any of them refreshes it;
//   - an effect listens the same way and re-runs only if a value it read changed, so it
//     runs once per change however many of its stores notify.
// Writes and batches are nanostores' own (atom.set, batch). See
// docs/decisions/0052-nanostores-auto-tracking-adapter.md.
import { atom, batch, computed, onMount } from 'nanostores'

/** What this adapter imports, bundled for the min+gzip size report (the library only). */
export const bundleEntry = "export { atom, batch, onMount, computed } from 'nanostores'"

/** nanostores bumps this shared counter on every notification (atom/index.js). */
const nanoGlobal = /** @type {{ nanostoresGlobal: { epoch: number } }} */ (
  /** @type {unknown} */ (globalThis)
).nanostoresGlobal

/**
 * The run being tracked: the stores it read, in order, and the values it saw.
 * @typedef {{ get(): unknown, listen(fn: () => void): () => void }} Store
 * @type {{ stores: Store[], values: unknown[] } | null}
 */
let tracking = null

/** @param {Store} store */
function trackedGet(store) {
  const value = store.get()
  if (tracking !== null) {
    tracking.stores.push(store)
    tracking.values.push(value)
  }
  return value
}

/**
 * Run fn, recording what it reads.
 * @param {() => unknown} fn
 */
function runTracked(fn) {
  const outer = tracking
  const frame = { stores: /** @type {Store[]} */ ([]), values: /** @type {unknown[]} */ ([]) }
  tracking = frame
  try {
    return { value: fn(), stores: frame.stores, values: frame.values }
  } finally {
    tracking = outer
  }
}

/**
 * True if any store read last time now holds another value (in read order, stopping at
 * the first change, so a dependency the next run may drop is not refreshed needlessly).
 * @param {Store[]} stores @param {unknown[]} values
 */
function anyChanged(stores, values) {
  for (let i = 0; i < stores.length; i++) {
    if (!Object.is(stores[i]?.get(), values[i])) return true
  }
  return false
}

/**
 * Keep one listener on each distinct store of `stores`, reusing existing subscriptions.
 * @param {Map<Store, () => void>} current @param {Store[]} stores @param {() => void} listener
 */
function resubscribe(current, stores, listener) {
  const next = new Map()
  for (const store of stores) {
    if (next.has(store)) continue
    const unbind = current.get(store)
    if (unbind === undefined) {
      next.set(store, store.listen(listener))
    } else {
      next.set(store, unbind)
      current.delete(store)
    }
  }
  for (const unbind of current.values()) unbind()
  return next
}

/** @param {() => unknown} fn */
function autoComputed(fn) {
  const $store = atom(/** @type {unknown} */ (undefined))
  /** @type {Store[]} */
  let stores = []
  /** @type {unknown[]} */
  let values = []
  /** @type {Map<Store, () => void> | null} */
  let listening = null
  let epoch = -1
  let computedOnce = false

  const refresh = () => {
    if (epoch === nanoGlobal.epoch) return
    epoch = nanoGlobal.epoch
    if (computedOnce && !anyChanged(stores, values)) return
    const run = runTracked(fn)
    computedOnce = true
    stores = run.stores
    values = run.values
    if (listening !== null) listening = resubscribe(listening, stores, refresh)
    $store.set(run.value)
    epoch = nanoGlobal.epoch
  }

  const rawGet = $store.get
  $store.get = () => {
    refresh()
    return rawGet()
  }
  onMount($store, () => {
    listening = resubscribe(new Map(), stores, refresh)
    refresh()
    return () => {
      if (listening !== null) for (const unbind of listening.values()) unbind()
      listening = null
    }
  })
  return $store
}

/** @param {() => void} fn @returns {() => void} */
function autoEffect(fn) {
  /** @type {Store[]} */
  let stores = []
  /** @type {unknown[]} */
  let values = []
  /** @type {Map<Store, () => void>} */
  let listening = new Map()
  let disposed = false
  const run = () => {
    if (disposed) return
    const result = runTracked(fn)
    stores = result.stores
    values = result.values
    listening = resubscribe(listening, stores, onChange)
  }
  const onChange = () => {
    if (anyChanged(stores, values)) run()
  }
  run()
  return () => {
    disposed = true
    for (const unbind of listening.values()) unbind()
    listening.clear()
  }
}

/** @type {(() => void)[] | null} disposers of the root being built */
let building = null

/** @type {import('./index.d.mts').Adapter} */
export const adapter = {
  name: 'nanostores',
  signal(initial) {
    const $atom = atom(initial)
    return { read: () => trackedGet($atom), write: (value) => $atom.set(value) }
  },
  computed(fn) {
    const $computed = autoComputed(fn)
    return { read: () => trackedGet($computed) }
  },
  effect(fn) {
    const dispose = autoEffect(fn)
    if (building !== null) building.push(dispose)
  },
  batch(fn) {
    batch(fn)
  },
  root(fn) {
    const outer = building
    /** @type {(() => void)[]} */
    const disposers = []
    building = disposers
    let result
    try {
      result = fn()
    } finally {
      building = outer
    }
    return {
      result,
      dispose: () => {
        for (const dispose of disposers) dispose()
      },
    }
  },
  native: {
    signal: (value) => atom(value),
    computed: (source) => {
      const c = computed(source, (value) => value)
      c.get()
      return c
    },
  },
}
