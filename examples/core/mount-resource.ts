// onMount starting and stopping a resource (seed 002 "polling sync" / seed 000's
// listeners that must be torn down on logout: each opens a timer or socket by hand and
// must remember to close it, 25+ lines). With `onMount` the store opens its resource when
// the first observer arrives and closes it after the last leaves. 22 lines.
import { effect, onMount, setUnmountDelay, signal } from '@strata/core'

/** A store fed by a poller that only runs while someone watches. */
export function createPolledStore(fetchValue: () => number, everyMs: number) {
  const value = signal(fetchValue())
  const events: string[] = []
  onMount(value, () => {
    events.push('start polling')
    const id = setInterval(() => value.set(fetchValue()), everyMs)
    return () => {
      clearInterval(id)
      events.push('stop polling')
    }
  })
  return { value, events }
}

export async function main(log: (...args: unknown[]) => void) {
  setUnmountDelay(0) // stop as soon as the last observer leaves (default: 1000 ms)
  let n = 0
  const { value, events } = createPolledStore(() => ++n, 5)
  const seen: number[] = []
  const stop = effect(() => {
    seen.push(value.get())
  })
  await new Promise<void>((resolve) => {
    const off = value.listen((v) => {
      if (v < 3) return
      off()
      resolve()
    })
  })
  stop()
  const pollsWhileWatched = n
  await new Promise((resolve) => setTimeout(resolve, 30))
  log('events:', events, 'seen:', seen)
  setUnmountDelay(1000)
  return { events, seen, pollsAfterStop: n - pollsWhileWatched }
}
