import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { persistentMap } from '../persistent-map.js'
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

  it('lists every key it stores, also keys ending in ".tmp" (a persistentMap entry survives a restart)', () => {
    const directory = tmp()
    const m = persistentMap<Record<string, string>>({}, 'files:', { engine: fileEngine({ directory }) })
    m.setKey('report.tmp', 'draft text')
    m.setKey('backup.2024.1.tmp', 'old draft')
    const reloaded = persistentMap<Record<string, string>>({}, 'files:', {
      engine: fileEngine({ directory }),
    })
    expect(reloaded.get()).toEqual({ 'report.tmp': 'draft text', 'backup.2024.1.tmp': 'old draft' })
    const e = fileEngine({ directory })
    e.removeItem('files:backup.2024.1.tmp')
    expect(e.getItem('files:backup.2024.1.tmp')).toBeNull()
    expect(e.keys('files:')).toEqual(['files:report.tmp'])
  })

  it('reads files an earlier version wrote, and still ignores its leftover temp files', () => {
    const directory = tmp()
    // Written by the previous release: key files, and a temp file a crash left behind.
    writeFileSync(join(directory, 'kreport.tmp'), 'legacy draft')
    writeFileSync(join(directory, 'knote.2024.1.tmp'), 'legacy note')
    writeFileSync(join(directory, 'kk'), 'kept')
    writeFileSync(join(directory, 'kk.4242.7.tmp'), 'torn')
    const e = fileEngine({ directory })
    expect(e.getItem('report.tmp')).toBe('legacy draft')
    expect(e.getItem('note.2024.1.tmp')).toBe('legacy note')
    expect(e.getItem('k')).toBe('kept')
    expect(e.keys('').sort()).toEqual(['k', 'report.tmp'])
    // rewriting and removing a key stored under the old name leaves no stale copy behind
    e.setItem('note.2024.1.tmp', 'new note')
    expect(e.getItem('note.2024.1.tmp')).toBe('new note')
    e.removeItem('note.2024.1.tmp')
    expect(e.getItem('note.2024.1.tmp')).toBeNull()
  })

  it('skips a foreign file name it cannot decode instead of failing every listing', () => {
    const directory = tmp()
    const e = fileEngine({ directory })
    e.setItem('a', '1')
    writeFileSync(join(directory, 'k%zz'), 'not ours')
    expect(e.keys('')).toEqual(['a'])
  })
})
