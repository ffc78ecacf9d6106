// Seed 003 "Local Storage Encryption": a store whose data is encrypted at rest with a key
// derived from the user's passphrase (PBKDF2 → AES-256-GCM). LiveStore's version is a
// config sketch; here it runs: commit, close, look at the files, reopen, and a wrong
// passphrase is a typed error. Browser: `browserAdapter({ encryption: { passphrase } })`
// does the same in OPFS / IndexedDB (decision 0039 says exactly what is protected).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Column, createStore, Events, makeSchema, table } from '@strata/store'
import { encryptedNodeAdapter, WrongKeyError } from '@strata/store/node'
import { z } from 'zod'

export const notes = table('notes', {
  id: Column.text({ primaryKey: true }),
  personaId: Column.text(),
  text: Column.text(),
  createdAt: Column.integer(),
})

export const events = {
  noteAdded: Events.synced({
    name: 'v1.NoteAdded',
    schema: z.object({
      id: z.string(),
      personaId: z.string(),
      text: z.string().min(1),
      createdAt: z.number(),
    }),
  }),
}

export const schema = makeSchema({
  events,
  tables: { notes },
  materializers: {
    'v1.NoteAdded': (note, db) => {
      db.insert(notes, note)
    },
  },
})

/** Open the notes store in `directory`, encrypted with `passphrase`. */
export async function openNotes(directory: string, passphrase: string) {
  // Fewer PBKDF2 rounds than the 600,000 default only to keep the example quick.
  const adapter = encryptedNodeAdapter({ directory, encryption: { passphrase, iterations: 50_000 } })
  const store = await createStore({ schema, adapter, storeId: 'ai-hub' })
  return { store, adapter }
}

/** What an attacker with the disk sees: does any file contain `needle` in clear? */
export function filesContain(directory: string, needle: string): boolean {
  const dir = join(directory, 'ai-hub')
  return readdirSync(dir).some((f) => readFileSync(join(dir, f)).includes(needle))
}

export async function main(log: (...args: unknown[]) => void) {
  const directory = mkdtempSync(join(tmpdir(), 'strata-encrypted-notes-'))
  try {
    const first = await openNotes(directory, 'correct horse battery staple')
    first.store.commit(
      events.noteAdded({ id: 'n1', personaId: 'p1', text: 'My bank PIN hint', createdAt: 1_700_000_000_000 }),
      events.noteAdded({ id: 'n2', personaId: 'p1', text: 'Therapy notes', createdAt: 1_700_000_000_001 }),
    )
    await first.adapter.flush() // encrypted journal is on disk
    first.store.close()
    const kinds = readdirSync(join(directory, 'ai-hub')).map((f) =>
      f.startsWith('j-') ? 'journal batch' : f,
    )
    log('files on disk:', [...new Set(kinds)].sort())
    log('plaintext visible on disk:', filesContain(directory, 'Therapy notes'))

    try {
      await openNotes(directory, 'wrong guess')
    } catch (e) {
      if (e instanceof WrongKeyError) log('wrong passphrase:', e.code)
      else throw e
    }

    const again = await openNotes(directory, 'correct horse battery staple')
    log(
      'notes after reopening:',
      again.store.query(notes.orderBy('createdAt').select('text')).map((n) => n.text),
    )
    again.store.close()
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
