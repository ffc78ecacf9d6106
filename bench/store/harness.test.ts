// Smoke test of the store benchmark harness at tiny sizes (STRATA_BENCH_QUICK=1): each
// child runs and reports the fields run.mjs reads. Performance itself is only measured
// by `npm run bench:store`, never asserted here.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'strata-bench-smoke-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const child = (system: string, mode: string, dir: string): Record<string, unknown> => {
  const out = join(scratch, `${system}-${mode}-${Math.random().toString(36).slice(2)}.json`)
  const r = spawnSync(process.execPath, [join(here, `${system}.mjs`), mode, dir, out], {
    cwd: here,
    env: { ...process.env, STRATA_BENCH_QUICK: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.status !== 0) throw new Error(`${system} ${mode} exited ${r.status}: ${r.stderr}`)
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>
}

describe('bench/store harness (quick sizes)', () => {
  it('Strata: batched case reports rate, three latency shapes and peak RSS', () => {
    const r = child('strata', 'batched', mkdtempSync(join(scratch, 's-')))
    expect(r.events).toBe(1000)
    expect(r.eventsPerSecond).toBeGreaterThan(0)
    const latency = r.latency as Record<string, { median: number; p90: number; n: number }>
    for (const shape of ['count', 'byId', 'allRows']) expect(latency[shape]?.n).toBe(10)
    expect(r.peakRssMb).toBeGreaterThan(0)
  }, 120_000)

  it('Strata: boot fixture through the sync seam reopens without a rebuild', () => {
    const dir = mkdtempSync(join(scratch, 'b-'))
    child('strata', 'fixture', dir)
    const r = child('strata', 'boot', dir)
    expect(r.rows).toBe(2000)
    expect(r.mode).toBe('opened')
  }, 120_000)

  it("LiveStore: the boot fixture written in LiveStore's own formats boots with every row", () => {
    const dir = mkdtempSync(join(scratch, 'l-'))
    child('livestore', 'fixture', dir)
    const r = child('livestore', 'boot', dir)
    expect(r.rows).toBe(2000)
  }, 120_000)
})
