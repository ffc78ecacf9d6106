// Adapter: @preact/signals-core. Preact has no effect scope, so the adapter collects the
// disposers of effects created inside root() and calls them all on dispose.
import { batch, computed, effect, signal } from '@preact/signals-core'

/** What this adapter imports, bundled for the min+gzip size report. */
export const bundleEntry = "export { signal, computed, effect, batch } from '@preact/signals-core'"

/** @type {(() => void)[] | null} disposers of the root being built */
let building = null

/** @type {import('./index.d.mts').Adapter} */
export const adapter = {
  name: 'preact',
  signal(initial) {
    const s = signal(initial)
    return {
      read: () => s.value,
      write: (value) => {
        s.value = value
      },
    }
  },
  computed(fn) {
    const c = computed(fn)
    return { read: () => c.value }
  },
  effect(fn) {
    const dispose = effect(fn)
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
    signal: (value) => signal(value),
    computed: (source) => {
      const c = computed(() => source.value)
      c.value
      return c
    },
  },
}
