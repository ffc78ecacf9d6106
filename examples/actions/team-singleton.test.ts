import { effect } from '@strata/core'
import { MemoryArea, memoryEngine } from '@strata/persist'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { http, type TestServer } from './_server.js'
import { createTeamStore, main, TeamPrefsError, startTeamsBackend, teamStore } from './team-singleton.js'

let server: TestServer
beforeEach(async () => {
  server = await startTeamsBackend()
})
afterEach(async () => {
  await server.close()
})

describe('singleton with direct client access (seed 000 §5 TeamStore)', () => {
  it('collection CRUD and direct Teams calls share one set of stores', async () => {
    const out = await main(() => undefined)
    expect(out.teams).toEqual(['Core Platform', 'Docs'])
    expect(out.selected).toBe('Core Platform')
    expect(out.shown).toEqual(['Core', 'Core Platform'])
    expect(out.selectedMembers).toEqual(['ada'])
    expect(out.prefs).toEqual({ theme: 'light', notifications: true })
    expect(out.requests).toEqual([
      'POST /teams',
      'POST /teams',
      'POST /collections/members/documents',
      'POST /collections/members/documents',
      'POST /collections/members/documents',
      'DELETE /collections/members/documents/m2',
      'PATCH /teams/t1/name',
      'GET /teams/t1',
    ])
  })

  it('the direct client is exposed and reaches the Teams API', async () => {
    const store = createTeamStore(server.url)
    await store.teams.create('t9', 'Raw', ['owner'])
    expect(await store.getTeamById('t9')).toMatchObject({ $id: 't9', name: 'Raw' })
    expect((await store.listTeams()).map((t) => t.$id)).toEqual(['t9'])
    expect(store.list.get().map((t) => t.name)).toEqual(['Raw'])
  })

  it('renaming the selected team: observers never see the list and the selection disagree', async () => {
    const store = createTeamStore(server.url)
    store.select(await store.createTeam('A', undefined, 'a'))
    const views: string[] = []
    const stop = effect(() => {
      views.push(`${store.list.get().find((t) => t.$id === 'a')?.name}|${store.selected.get()?.name}`)
    })
    await store.updateTeamName('a', 'A2')
    stop()
    expect(views).toEqual(['A|A', 'A2|A2'])
  })

  it('renaming a team that is not selected leaves the selection alone', async () => {
    const store = createTeamStore(server.url)
    const a = await store.createTeam('A', undefined, 'a')
    await store.createTeam('B', undefined, 'b')
    store.select(a)
    const selectedSeen: string[] = []
    store.selected.listen((t) => selectedSeen.push(t?.name ?? ''))
    await store.updateTeamName('b', 'B2')
    expect(store.selected.get()?.name).toBe('A')
    expect(selectedSeen).toEqual([])
    expect(
      store.list
        .get()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['A', 'B2'])
  })

  it('a failed rename changes no store', async () => {
    const store = createTeamStore(server.url)
    const a = await store.createTeam('A', undefined, 'a')
    store.select(a)
    await expect(store.updateTeamName('missing', 'X')).rejects.toMatchObject({ status: 404 })
    expect(store.list.get()).toEqual([a])
    expect(store.selected.get()).toEqual(a)
  })

  it('invalid prefs on the server are a typed error naming the team', async () => {
    const store = createTeamStore(server.url)
    await store.createTeam('A', undefined, 'a')
    await http(`${server.url}/teams/a/prefs`, { method: 'PUT', body: { theme: 'neon', notifications: true } })
    const error = await store.getTeamPrefs('a').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TeamPrefsError)
    expect(error).toMatchObject({ code: 'TEAM_PREFS_INVALID', teamId: 'a' })
    expect((error as Error).message).toMatch(/^team a: invalid prefs \(theme: /)
  })

  it('the selected team is persisted and restored by a new instance (reload)', async () => {
    const area = new MemoryArea()
    const before = createTeamStore(server.url, memoryEngine({ area }))
    before.select(await before.createTeam('Kept', undefined, 'k'))
    await before.selected.flush()
    const after = createTeamStore(server.url, memoryEngine({ area }))
    expect(after.selected.get()).toMatchObject({ $id: 'k', name: 'Kept' })
    await after.listMembers()
    await after.addMember('k', 'ada')
    expect(after.selectedMembers.get().map((m) => m.userId)).toEqual(['ada'])
  })

  it('teamStore() is one instance app-wide', async () => {
    const first = teamStore(server.url)
    const again = teamStore(server.url)
    expect(again).toBe(first)
    await first.createTeam('Shared', undefined, 's')
    expect(again.list.get().map((t) => t.name)).toEqual(['Shared'])
  })
})
