// Seed 002 "Performance: use `untrack()` to break unwanted dependencies": an effect that
// reads one store for real (re-runs when it changes) and another only for its current
// value (never re-runs because of it). Seed: a one-line best-practice bullet with no
// code. Strata: 14 lines — longer because it is a runnable example, not a bullet: a
// logger that writes every page view with the user's *current* locale, but must not log a
// page view again when only the locale changes.
import { effect, signal, untrack } from '@strata/core'

/** A page-view logger whose effect tracks the page and reads the locale untracked. */
export function createPageLogger() {
  const page = signal('/home')
  const locale = signal('en')
  const lines: string[] = []
  let runs = 0
  const stop = effect(() => {
    runs++
    const path = page.get() // tracked: a new page is a new log line
    lines.push(`${path} (${untrack(() => locale.get())})`) // untracked: locale only annotates
  })
  return { page, locale, lines, runs: () => runs, stop }
}

export async function main(log: (...args: unknown[]) => void) {
  const logger = createPageLogger()
  logger.locale.set('de') // no run: the effect did not subscribe to the locale
  logger.page.set('/settings') // one run, picks up the current locale
  logger.locale.set('fr')
  logger.stop()
  logger.page.set('/ignored') // disposed: nothing runs
  log('lines:', logger.lines, 'runs:', logger.runs())
  return { lines: logger.lines, runs: logger.runs() }
}
