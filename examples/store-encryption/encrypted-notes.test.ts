import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WrongKeyError } from '@strata/store/node'
import { describe, expect, it } from 'vitest'
import { events, filesContain, main, notes, openNotes } from './encrypted-notes.js'

describe('example: encrypted notes store (seed 003 "Local Storage Encryption")', () => {
  it('keeps no plaintext on disk, reopens with the passphrase, rejects a wrong one', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'strata-notes-test-'))
    try {
      const { store, adapter } = await openNotes(directory, 'pw-1')
      store.commit(events.noteAdded({ id: 'a', personaId: 'p', text: 'secret text', createdAt: 1 }))
      await adapter.flush()
      store.close()
      expect(filesContain(directory, 'secret text')).toBe(false)
      expect(filesContain(directory, 'v1.NoteAdded')).toBe(false)
      await expect(openNotes(directory, 'pw-2')).rejects.toBeInstanceOf(WrongKeyError)
      const again = await openNotes(directory, 'pw-1')
      expect(again.store.query(notes.where({ id: 'a' }).first())?.text).toBe('secret text')
      again.store.close()
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })

  it('main() runs', async () => {
    const lines: unknown[][] = []
    await main((...x) => lines.push(x))
    expect(lines).toEqual([
      ['files on disk:', ['journal batch', 'key.check', 'key.json']],
      ['plaintext visible on disk:', false],
      ['wrong passphrase:', 'encryption_wrong_key'],
      ['notes after reopening:', ['My bank PIN hint', 'Therapy notes']],
    ])
  })
})
