// Adapter: @vue/reactivity. Vue's standalone package exports no batch API, so effects get
// a scheduler that queues them and batch() flushes the queue afterwards — the same shape
// Vue's own runtime uses. A queued effect runs only if it is still dirty (a computed it
// reads may have recomputed to an equal value), as Vue's scheduler does.
import { computed, effect, effectScope, shallowRef } from '@vue/reactivity'

/** What this adapter imports, bundled for the min+gzip size report. */
export const bundleEntry = "export { shallowRef, computed, effect, effectScope } from '@vue/reactivity'"

/** @type {{ dirty: boolean, run(): unknown }[]} */
const queue = []

function flush() {
  while (queue.length > 0) {
    const next = queue.pop()
    if (next?.dirty) next.run()
  }
}

/** @type {import('./index.d.mts').Adapter} */
export const adapter = {
  name: 'vue',
  signal(initial) {
    const s = shallowRef(initial)
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
    const runner = effect(fn, { scheduler: () => queue.push(runner.effect) })
  },
  batch(fn) {
    try {
      fn()
    } finally {
      flush()
    }
  },
  root(fn) {
    const scope = effectScope()
    const result = scope.run(fn)
    return { result, dispose: () => scope.stop() }
  },
  native: {
    signal: (value) => shallowRef(value),
    computed: (source) => {
      const c = computed(() => source.value)
      c.value
      return c
    },
  },
}
