// Waiting for a condition in the signals examples (server-side counters, store values
// arriving over a socket). Polls briefly instead of sleeping a fixed time, so it is
// fast on an idle machine and still correct on a loaded one.
// Files starting with `_` are skipped by examples/run-all.ts.

/** Resolve once `check()` is true; reject after `timeoutMs` naming what was awaited. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
