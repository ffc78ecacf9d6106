import { describe, expect, it } from 'vitest'
import { main } from './project-page.js'

describe('seed 004: messages and files per project', () => {
  it('filters by project, builds the tree, and follows the other device live', async () => {
    const out = await main(() => undefined)
    expect(out.chat[0]).toEqual(['user: Build a todo app'])
    expect(out.chat[out.chat.length - 1]).toEqual([
      'user: Build a todo app',
      'assistant: Done: added App.tsx',
    ])
    expect(out.tree).toEqual([
      {
        name: 'src',
        type: 'directory',
        children: [
          { name: 'components', type: 'directory', children: [{ name: 'Button.tsx', type: 'file' }] },
          { name: 'styles', type: 'directory', children: [{ name: 'main.css', type: 'file' }] },
          { name: 'App.tsx', type: 'file' },
        ],
      },
    ])
    expect(out.appContent).toBe('export const App = () => null')
    expect(out.otherProjectMessages).toBe(1)
  })
})
