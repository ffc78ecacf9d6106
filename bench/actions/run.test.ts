// Smoke test of the actions benchmark: runs it at a tiny size against the built packages
// (`npm test` builds first). The runner itself verifies every case's result (handlers ran,
// stores restored, no notification for a rolled-back transaction) and exits non-zero if not.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('bench/actions/run.mjs', () => {
  it('runs every case at a tiny size and prints the ratio table', async () => {
    const script = fileURLToPath(new URL('./run.mjs', import.meta.url))
    const { stdout } = await run(process.execPath, [script], {
      env: { ...process.env, QUICK: '1', ROUNDS: '1' },
      timeout: 120_000,
    })
    const rows = stdout.split('\n').filter((l) => l.startsWith('| dispatch') || l.startsWith('| transaction'))
    expect(rows).toHaveLength(8)
    for (const row of rows) expect(row).toMatch(/\d+(\.\d+)?×/)
  }, 150_000)
})
