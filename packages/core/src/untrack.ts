/**
 * `untrack()`: read stores without making the current computed or effect depend on them.
 * The graph's own function, documented in `system.ts` (re-exported: no wrapper or alias
 * ships); its public signature hides the graph's internal `detach` flag.
 */
export { untracked as untrack } from './system.js'
