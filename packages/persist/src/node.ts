/**
 * @strata/persist/node — the Node-only entry point: the atomic file engine. Kept apart
 * from the main entry so browser bundles never import `node:` modules.
 * @packageDocumentation
 */
export { type FileEngineOptions, fileEngine } from './node/file-engine.js'
