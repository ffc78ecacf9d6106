// Test support for the browser driver under Node: loads the real sqlite-wasm build (the
// same .wasm the browser uses). sqlite-wasm 3.41's bundler build reads `self` and
// `self.location` at import time, which Node lacks, so they are provided here — only in
// tests, never in the shipped code.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { MemoryEngine } from '../src/browser/engine.js'
import { loadSqliteWasm, openWasmEngine, type SqliteWasm } from '../src/browser/wasm-engine.js'

const require = createRequire(import.meta.url)

/** Path of the sqlite3.wasm shipped by @sqlite.org/sqlite-wasm. */
export const sqliteWasmPath = join(
  dirname(require.resolve('@sqlite.org/sqlite-wasm/package.json')),
  'sqlite-wasm/jswasm/sqlite3.wasm',
)

/** Load sqlite-wasm in Node. */
export function loadSqliteWasmInNode(): Promise<SqliteWasm> {
  const g = globalThis as { self?: unknown; location?: unknown }
  g.self ??= globalThis
  g.location ??= new URL('file:///strata-test/sqlite3.js')
  return loadSqliteWasm({ wasmBinary: readFileSync(sqliteWasmPath) })
}

/** A fresh in-memory WASM engine. */
export async function wasmEngine(): Promise<MemoryEngine> {
  return openWasmEngine(await loadSqliteWasmInNode())
}
