/**
 * Typed errors of @strata/core. Each has a stable `code` so callers can branch on it
 * without parsing messages. Both are defined in `system.ts`: `CycleError` is raised
 * there, and that module must import nothing (see its header); `NotAStoreError` (raised
 * by `onMount`) sits next to it because the two classes' shared shape then gzips
 * together (−8 B of the full bundle). They are re-exported here.
 */

export { CycleError, NotAStoreError } from './system.js'
