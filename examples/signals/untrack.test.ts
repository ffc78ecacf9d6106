import { describe, expect, it } from 'vitest'
import { createPageLogger, main } from './untrack.js'

describe('untrack: read without subscribing (seed 002)', () => {
  it('re-runs for the tracked store only, and sees the untracked one current', async () => {
    const out = await main(() => undefined)
    expect(out.runs).toBe(2)
    expect(out.lines).toEqual(['/home (en)', '/settings (de)'])
  })

  it('locale changes alone never run the effect', () => {
    const logger = createPageLogger()
    for (const l of ['de', 'fr', 'it', 'es']) logger.locale.set(l)
    expect(logger.runs()).toBe(1)
    logger.page.set('/a')
    expect(logger.runs()).toBe(2)
    expect(logger.lines.at(-1)).toBe('/a (es)')
    logger.stop()
  })

  it('the untracked store is still observed by others as usual', () => {
    const logger = createPageLogger()
    const seen: string[] = []
    const off = logger.locale.listen((v) => seen.push(v))
    logger.locale.set('pt')
    off()
    logger.stop()
    expect(seen).toEqual(['pt'])
    expect(logger.runs()).toBe(1)
  })
})
