// Seed 000 §5 "Singleton with Direct Client Access" (TeamStore): one store object that
// does collection CRUD (team member documents) AND calls a non-collection API directly
// (Appwrite Teams: get, list, create, rename, prefs). Seed: 27 code lines, resting on a
// BaseStore class, a ULID factory, the Appwrite SDK, a schema and a persistent atom it does
// not show. Strata: 100 lines, longer because they include all of those (types, schema,
// the typed prefs error, the 9-line Teams client, the member collection CRUD, the
// persisted selection and the singleton accessor) and run against a real HTTP server.
// What changes: the seed's TeamStore holds no state of its own — `updateTeamName` must
// remember to patch a separate `selectedUserTeam` atom. Here the team list, the selected
// team (persisted, like the seed's atom) and the member documents are core stores owned
// by the singleton, so a rename updates every place the team is shown, in one batch, and
// a failed call changes nothing. Bad prefs from the server are a typed error naming the team.
import { randomUUID } from 'node:crypto'
import { batch, computed, signal } from '@strata/core'
import { memoryEngine, persistent, type StorageEngine } from '@strata/persist'
import { z } from 'zod'
import { http, startServer, type TestServer } from './_server.js'

export const TeamPrefsSchema = z.object({ theme: z.enum(['light', 'dark']), notifications: z.boolean() })
export type TeamPrefs = z.infer<typeof TeamPrefsSchema>
export interface Team {
  $id: string
  name: string
  roles: string[]
  prefs: unknown
}
export interface Member {
  $id: string
  teamId: string
  userId: string
  role: string
}

/** The team's stored prefs do not match `TeamPrefsSchema`. */
export class TeamPrefsError extends Error {
  readonly code = 'TEAM_PREFS_INVALID'
  constructor(
    readonly teamId: string,
    readonly issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
  ) {
    super(
      `team ${teamId}: invalid prefs (${issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')})`,
    )
    this.name = 'TeamPrefsError'
  }
}

/** The direct client: the Teams API is not a database collection. */
export function teamsClient(api: string) {
  return {
    get: (id: string) => http<Team>(`${api}/teams/${id}`),
    list: () => http<Team[]>(`${api}/teams`),
    create: (teamId: string, name: string, roles: string[]) =>
      http<Team>(`${api}/teams`, { method: 'POST', body: { teamId, name, roles } }),
    updateName: (id: string, name: string) =>
      http<Team>(`${api}/teams/${id}/name`, { method: 'PATCH', body: { name } }),
  }
}

/** Team list, persisted selection and member documents, with the Teams client beside them. */
export function createTeamStore(api: string, engine: StorageEngine = memoryEngine()) {
  const teams = teamsClient(api)
  const docs = `${api}/collections/members/documents`
  const list = signal<Team[]>([])
  const selected = persistent<Team | null>(null, 'currentTeam', { engine })
  const members = signal<Member[]>([])
  const selectedMembers = computed(() => members.get().filter((m) => m.teamId === selected.get()?.$id))
  const put = (team: Team) =>
    list.update((l) =>
      l.some((t) => t.$id === team.$id) ? l.map((t) => (t.$id === team.$id ? team : t)) : [...l, team],
    )
  return {
    teams, // direct access, as the seed exposes `this.teams`
    list,
    selected,
    members,
    selectedMembers,
    select: (team: Team | null) => selected.set(team),
    getTeamById: (id: string) => teams.get(id),
    listTeams: async () => {
      list.set(await teams.list())
      return list.get()
    },
    createTeam: async (name: string, roles = ['owner', 'member'], id: string = randomUUID()) => {
      const team = await teams.create(id, name, roles)
      put(team)
      return team
    },
    updateTeamName: async (id: string, name: string) => {
      const team = await teams.updateName(id, name)
      batch(() => {
        put(team)
        if (selected.get()?.$id === id) selected.set(team)
      })
      return team
    },
    getTeamPrefs: async (id: string): Promise<TeamPrefs> => {
      const parsed = TeamPrefsSchema.safeParse((await teams.get(id)).prefs)
      if (!parsed.success) throw new TeamPrefsError(id, parsed.error.issues)
      return parsed.data
    },
    // Collection CRUD for member documents (the BaseStore half of the seed).
    listMembers: async () => members.set(await http<Member[]>(docs)),
    addMember: async (teamId: string, userId: string, role = 'member') => {
      const m = await http<Member>(docs, { method: 'POST', body: { teamId, userId, role } })
      members.update((l) => [...l, m])
      return m
    },
    removeMember: async (id: string) => {
      await http(`${docs}/${id}`, { method: 'DELETE' })
      members.update((l) => l.filter((m) => m.$id !== id))
    },
  }
}
export type TeamStore = ReturnType<typeof createTeamStore>

let instance: TeamStore | undefined
/** The app's one TeamStore (the seed's singleton), created on first use. */
export function teamStore(api: string, engine?: StorageEngine): TeamStore {
  instance ??= createTeamStore(api, engine)
  return instance
}

/** The backend: a Teams API and a members collection over real HTTP, in memory. */
export function startTeamsBackend(): Promise<TestServer> {
  const teams: Team[] = []
  const members: Member[] = []
  const find = (id: string | undefined) => teams.find((t) => t.$id === id)
  return startServer({
    'GET /teams': () => ({ body: teams }),
    'POST /teams': ({ body }) => {
      const { teamId, name, roles } = body as { teamId: string; name: string; roles: string[] }
      const team: Team = { $id: teamId, name, roles, prefs: { theme: 'light', notifications: true } }
      teams.push(team)
      return { status: 201, body: team }
    },
    'GET /teams/:id': ({ params }) => {
      const team = find(params.id)
      return team ? { body: team } : { status: 404, body: { message: `team ${params.id} not found` } }
    },
    'PATCH /teams/:id/name': ({ params, body }) => {
      const team = find(params.id)
      if (!team) return { status: 404, body: { message: `team ${params.id} not found` } }
      team.name = (body as { name: string }).name
      return { body: team }
    },
    'PUT /teams/:id/prefs': ({ params, body }) => {
      const team = find(params.id)
      if (!team) return { status: 404, body: { message: `team ${params.id} not found` } }
      team.prefs = body
      return { body: team }
    },
    'GET /collections/members/documents': () => ({ body: members }),
    'POST /collections/members/documents': ({ body }) => {
      const m = { $id: `m${members.length + 1}`, ...(body as Omit<Member, '$id'>) }
      members.push(m)
      return { status: 201, body: m }
    },
    'DELETE /collections/members/documents/:id': ({ params }) => {
      const i = members.findIndex((m) => m.$id === params.id)
      if (i < 0) return { status: 404, body: { message: `member ${params.id} not found` } }
      members.splice(i, 1)
      return { status: 204 }
    },
  })
}

export async function main(log: (...args: unknown[]) => void) {
  const server = await startTeamsBackend()
  try {
    const store = createTeamStore(server.url)
    const shown: string[] = []
    store.selected.listen((t) => shown.push(t?.name ?? '(none)'))
    const core = await store.createTeam('Core', undefined, 't1')
    await store.createTeam('Docs', undefined, 't2')
    store.select(core)
    await store.addMember('t1', 'ada')
    const bob = await store.addMember('t1', 'bob')
    await store.addMember('t2', 'grace')
    await store.removeMember(bob.$id)
    await store.updateTeamName('t1', 'Core Platform') // the selected team follows
    const prefs = await store.getTeamPrefs('t1')
    log(
      'selected:',
      store.selected.get()?.name,
      '| members:',
      store.selectedMembers.get().map((m) => m.userId),
    )
    return {
      teams: store.list.get().map((t) => t.name),
      selected: store.selected.get()?.name,
      shown,
      selectedMembers: store.selectedMembers.get().map((m) => m.userId),
      prefs,
      requests: server.requests.map((r) => `${r.method} ${r.path}`),
    }
  } finally {
    await server.close()
  }
}
