import { describe, expect, it } from 'vitest'
import { main } from './devtools.js'

describe('seed 003: development tools', () => {
  it('shows the event log, tables, live queries with run counts, and a commit feed', async () => {
    const out = await main(() => undefined)
    expect(out.commits.map((c) => c.names)).toEqual([
      ['v1.PersonaCreated'],
      ['v1.PersonaCreated'],
      ['v1.MemoryEntityCreated'],
      ['v1.MemoryEntityCreated'],
    ])
    expect(out.commits[0]!.tables).toEqual(['personas'])
    expect(out.commits[2]!.tables).toEqual(['memory_entities'])
    expect(out.log10).toEqual([
      'v1.MemoryEntityCreated',
      'v1.MemoryEntityCreated',
      'v1.PersonaCreated',
      'v1.PersonaCreated',
    ])
    expect(out.personaNames).toEqual(['Sage', 'Echo'])
    expect(out.tableCounts).toEqual(
      expect.arrayContaining([
        { name: 'personas', rows: 2 },
        { name: 'memory_entities', rows: 2 },
      ]),
    )
    const byLabel = Object.fromEntries(out.live.map((q) => [q.label, q]))
    // The by-id query ran once at start and once for the write to p1 — not for p2 or the memories.
    expect(byLabel.sage$).toMatchObject({ runs: 2, mounted: true })
    // The count ran at start and for each of the two memory commits, never for personas.
    expect(byLabel.memoryCount$).toMatchObject({ runs: 3, mounted: true })
    expect(out.stats.commits).toBe(4)
    expect(out.stats.events).toBe(4)
  })
})
