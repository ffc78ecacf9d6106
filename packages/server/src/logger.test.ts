import { describe, expect, it } from 'vitest'
import { jsonLogger } from './logger.js'

describe('jsonLogger', () => {
  it('writes one JSON object per line with level, time, msg and fields; filters by level', () => {
    const lines: string[] = []
    const log = jsonLogger({ level: 'info', write: (l) => lines.push(l) })
    log.debug('hidden')
    log.info('listening', { url: 'ws://x' })
    log.error('boom', { error: Object.assign(new Error('disk full'), { code: 'ENOSPC' }) })
    expect(lines).toHaveLength(2)
    const [a, b] = lines.map((l) => JSON.parse(l))
    expect(a).toMatchObject({ level: 'info', msg: 'listening', url: 'ws://x' })
    expect(Number.isNaN(Date.parse(a.time))).toBe(false)
    expect(b).toMatchObject({
      level: 'error',
      msg: 'boom',
      error: { name: 'Error', message: 'disk full', code: 'ENOSPC' },
    })
  })
})
