import { describe, expect, it } from 'vitest'
import { main } from './projects-messages-files.js'

describe('projects / messages / files local store (seed 004)', () => {
  it('lists projects, streams messages per project and builds the file tree', async () => {
    const out = await main(() => undefined)
    expect(out.dashboard).toHaveLength(2)
    expect(out.dashboard[0]).toBe('My Awesome App')
    expect(out.lastMessageAt).toMatch(/^\d{4}-/)
    expect(out.seenCounts).toEqual([0, 1, 2])
    expect(out.tree).toEqual([
      {
        name: 'src',
        type: 'directory',
        children: [
          { name: 'App.tsx', type: 'file' },
          { name: 'components', type: 'directory', children: [{ name: 'Button.tsx', type: 'file' }] },
          { name: 'styles', type: 'directory', children: [{ name: 'main.css', type: 'file' }] },
        ],
      },
    ])
    // 2 projects + 2 messages + 2 project updates + 3 files, all waiting for sync
    expect(out.pending).toBe(9)
  })
})
