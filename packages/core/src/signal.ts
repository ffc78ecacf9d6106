/**
 * `signal()`: the writable source node of the graph. The graph's own `node()`, documented
 * in `system.ts` (re-exported: no wrapper ships); its public signature hides the
 * parameters `computed()` passes.
 */
export { node as signal } from './system.js'
