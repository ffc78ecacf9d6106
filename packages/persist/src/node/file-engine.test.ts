import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileEngine } from './file-engine.js'

const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'strata-file-engine-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('fileEngine', () => {
  it('round-trips values, including keys with slashes and dots', () => {
    const e = fileEngine({ directory: tmp() })
    for (const k of ['a', 'a/b', '.', '..', 'ünï*']) e.setItem(k, `v:${k}`)
    for (const k of ['a', 'a/b', '.', '..', 'ünï*']) expect(e.getItem(k)).toBe(`v:${k}`)
    expect(e.getItem('missing')).toBeNull()
    expect(e.keys('a').sort()).toEqual(['a', 'a/b'])
    e.removeItem('a')
    e.removeItem('never-there')
    expect(e.getItem('a')).toBeNull()
  })

  it('survives a new engine on the same directory (a process restart)', () => {
    const directory = tmp()
    fileEngine({ directory }).setItem('k', 'kept')
    expect(fileEngine({ directory }).getItem('k')).toBe('kept')
  })

  it('writes atomically: no temp files are left and a leftover temp file is not a key', () => {
    const directory = tmp()
    const e = fileEngine({ directory })
    e.setItem('k', 'one')
    e.setItem('k', 'two')
    expect(readdirSync(directory)).toEqual(['kk'])
    // A crash between write and rename leaves a temp file: the old value must win.
    writeFileSync(join(directory, 'kk.999.1.tmp'), 'torn')
    expect(e.getItem('k')).toBe('two')
    expect(e.keys('')).toEqual(['k'])
    expect(readFileSync(join(directory, 'kk'), 'utf8')).toBe('two')
  })

  it('reports a write failure and keeps the previous value', () => {
    const directory = tmp()
    const e = fileEngine({ directory })
    e.setItem('k', 'old')
    rmSync(directory, { recursive: true })
    expect(() => e.setItem('k', 'new')).toThrow()
  })
})
