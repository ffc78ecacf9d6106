/**
 * `batch()`: group writes so effects run once, after the last write. It is the graph's
 * own function, documented in `system.ts`; re-exporting it (rather than wrapping or
 * aliasing it) ships no extra code.
 */
export { batch } from './system.js'
