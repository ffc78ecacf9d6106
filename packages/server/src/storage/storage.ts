/**
 * The storage seam of the server: one interface, two backends (`sqlite.ts`,
 * `postgres.ts`). A backend owns durability and the exactly-once bookkeeping; the
 * classification of a push (duplicate / fresh / gap) is the pure {@link planPush} so
 * both backends apply the same rules.
 */
import type { AckResult, ConfirmedEvent, PushedEvent } from '@strata/sync'

/**
 * Why the server refuses one fresh event (decided before the transaction: schema,
 * permissions). Recorded as the event's final outcome.
 *
 * @example
 * ```ts
 * const v: Verdict = { code: 'invalid', reason: 'args.title: expected string' }
 * ```
 */
export interface Verdict {
  code: 'invalid' | 'unknown_event' | 'forbidden'
  reason: string
}

/**
 * Judges the fresh, not yet refused events of a push INSIDE the push transaction, while
 * the store's head is locked (the materializer dry run, decision 0059). Gets the locked
 * head and the candidates in seq order; returns one verdict per candidate, or
 * `undefined` when it cannot judge at that head (its replica is behind) — the backend
 * then records nothing and answers with {@link AppendResult.stale}.
 *
 * @example
 * ```ts
 * // undefined (stale) unless the replica is exactly at the locked head
 * const judge: Judge = (head, candidates) => replica.judge(head, candidates)
 * ```
 */
export type Judge = (
  head: number,
  candidates: readonly PushedEvent[],
) => readonly (Verdict | undefined)[] | undefined

/**
 * Outcome of {@link SyncStorage.append}.
 *
 * @example
 * ```ts
 * const { results, appended, head } = await storage.append('user:ada', 'c1', events, verdicts)
 * ```
 */
export interface AppendResult {
  /** One result per pushed event, in order. */
  results: AckResult[]
  /** The client's lastSeq after the push. */
  lastSeq: number
  /** Events newly appended, in gseq order (empty for an all-duplicate push). */
  appended: ConfirmedEvent[]
  /** The store's head after the push. */
  head: number
  /** The judge could not judge at this head: nothing was recorded, catch up and push again. */
  stale?: true
  /**
   * The client id is bound to another user (decision 0043, its amendment "client ids are bound to users"): the push
   * was refused whole — nothing recorded, no outcome reported (`results` is empty).
   */
  taken?: true
}

/**
 * Durable event storage with exactly-once, in-order ingestion per client, and each
 * client id bound to the user who first pushed under it (when a user id is given).
 * `append` resolves only after its transaction is durable.
 *
 * @example
 * ```ts
 * const storage = await openStorage('./strata.db')
 * const e = { name: 'v1.X', args: {}, clientId: 'c1', seq: 1 }
 * await storage.append('team:core', 'c1', [e], [undefined], undefined, 'ada') // binds c1 to ada
 * await storage.clientOwner?.('team:core', 'c1') // 'ada'
 * const r = await storage.append('team:core', 'c1', [{ ...e, seq: 2 }], [undefined], undefined, 'bob')
 * r.taken // true: refused whole, nothing recorded
 * const page = await storage.read('team:core', 0, 100)
 * ```
 */
export interface SyncStorage {
  /** `'sqlite'` or `'postgres'`. */
  readonly kind: 'sqlite' | 'postgres'
  /**
   * Applies a push in one transaction: classifies each event against the client's
   * lastSeq, appends fresh accepted events with the next gseqs, records fresh rejections
   * (verdicts), re-reports duplicates with their original outcome.
   * @param storeId - the store
   * @param clientId - the pushing client (every event carries it)
   * @param events - seq-consecutive events
   * @param verdicts - per event: undefined to accept, or the reason to refuse
   * @param judge - judges the fresh events the verdicts accept, inside the transaction
   * @param userId - the authenticated pusher (`AuthUser.id`). A client id is bound to the
   *   user whose push first recorded something under it; a push by another user is
   *   refused whole ({@link AppendResult.taken}). Omitted (no authentication, trusted
   *   tools): nothing is checked or bound.
   */
  append(
    storeId: string,
    clientId: string,
    events: readonly PushedEvent[],
    verdicts: readonly (Verdict | undefined)[],
    judge?: Judge,
    userId?: string,
  ): Promise<AppendResult>
  /** @returns up to `limit` confirmed events with gseq > `after`, in gseq order */
  read(storeId: string, after: number, limit: number): Promise<ConfirmedEvent[]>
  /**
   * Like {@link SyncStorage.read}, but returns the events as a JSON array text built
   * from the stored JSON (no parse/stringify round trip): the catch-up fast path.
   * @returns the JSON text, how many events it holds, and the last gseq (0 if none)
   */
  readEncoded(storeId: string, after: number, limit: number): Promise<EncodedEvents>
  /** @returns the store's head gseq (0 for an unknown store) */
  head(storeId: string): Promise<number>
  /** @returns the highest seq processed for the client (0 if none) */
  lastSeq(storeId: string, clientId: string): Promise<number>
  /**
   * @returns the user id the client id is bound to in `storeId`, or undefined when it is
   *   not bound (never used, used only without authentication, or used only before
   *   binding existed). Optional: the push transaction is what enforces the binding;
   *   this lets a session refuse a taken id at `hello`.
   */
  clientOwner?(storeId: string, clientId: string): Promise<string | undefined>
  /**
   * Keeps a replica image of `storeId` (decision 0064). Replaces the kept one when it
   * is not newer (`head` ≥ the kept head) or was made with another schema.
   * Optional: without it, replicas are always seeded from the log.
   */
  saveImage?(storeId: string, image: ReplicaImage): Promise<void>
  /** @returns the kept replica image of `storeId`, if any */
  loadImage?(storeId: string): Promise<ReplicaImage | undefined>
  /** Closes connections / the database file. */
  close(): Promise<void>
}

/**
 * A replica's materialized state as bytes, with the log position and schema it reflects.
 *
 * @example
 * ```ts
 * const image: ReplicaImage = { head: 42, schemaHash: schema.hash, bytes: memoryImage(store) }
 * ```
 */
export interface ReplicaImage {
  /** The gseq of the last event the image reflects. */
  head: number
  /** `schema.hash` of the store schema that built it. */
  schemaHash: string
  /** The in-memory store's database (`memoryImage`). */
  bytes: Uint8Array
}

/**
 * A page of confirmed events as JSON text (see {@link SyncStorage.readEncoded}).
 *
 * @example
 * ```ts
 * const page = await storage.readEncoded('team:core', 0, 2000)
 * socket.send(`{"t":"events","events":${page.json},"head":${head}}`)
 * ```
 */
export interface EncodedEvents {
  json: string
  count: number
  last: number
}

/**
 * Encodes one stored event row as JSON, splicing the stored args text as is.
 * @internal shared by the backends
 */
export function encodeStoredEvent(
  gseq: number,
  clientId: string,
  seq: number,
  name: string,
  args: string,
  ts: number | null,
): string {
  const tail = ts === null ? '}' : `,"ts":${JSON.stringify(ts)}}`
  return `{"name":${JSON.stringify(name)},"args":${args},"clientId":${JSON.stringify(clientId)},"seq":${seq},"gseq":${gseq}${tail}`
}

/**
 * The classification of a push against the client's lastSeq.
 *
 * @example
 * ```ts
 * planPush(3, events) // { duplicates: seq 1..3, fresh: seq 4.., gapped: [] }
 * ```
 */
export interface PushPlan {
  /** seq ≤ lastSeq: already processed, report the stored outcome. */
  duplicates: number[]
  /** Indexes (into the pushed events) of events to process now. */
  fresh: number[]
  /** Indexes of events after a gap: refused with `gap`, nothing recorded. */
  gapped: number[]
}

/**
 * Classifies a seq-consecutive push (see docs/protocol.md, "Push, exactly-once").
 *
 * @param lastSeq - the client's lastSeq before the push
 * @param events - the pushed events, seq consecutive
 * @returns which events are duplicates, fresh, or after a gap
 * @example
 * ```ts
 * const plan = planPush(0, [{ seq: 2 }]) // gap: seq 1 missing
 * plan.gapped // [0]
 * ```
 */
export function planPush(lastSeq: number, events: readonly { seq: number }[]): PushPlan {
  const plan: PushPlan = { duplicates: [], fresh: [], gapped: [] }
  let expected = lastSeq + 1
  for (let i = 0; i < events.length; i++) {
    const seq = (events[i] as { seq: number }).seq
    if (seq <= lastSeq) plan.duplicates.push(i)
    else if (seq === expected && plan.gapped.length === 0) {
      plan.fresh.push(i)
      expected++
    } else plan.gapped.push(i)
  }
  return plan
}

/**
 * Whether a push by `userId` under a client id bound to `owner` is refused whole.
 * @param owner - the stored binding (null/undefined: not bound)
 * @param userId - the pusher (undefined: no authentication, nothing is checked)
 * @internal shared by the backends
 */
export function clientTaken(owner: string | null | undefined, userId: string | undefined): boolean {
  return userId !== undefined && owner != null && owner !== userId
}

/**
 * The user a push binds its client id to, or null (decision 0043, its amendment "client ids are bound to users"). A
 * client id nobody recorded anything under is bound by the first push that records
 * something (an accepted event or a refusal). An id recorded before bindings existed (or
 * without authentication) is bound only by a push that appends an accepted event: a
 * user allowed no write there (a reader) cannot take a writer's old id.
 * @param known - the client id has a row (something was recorded under it before)
 * @param owner - its binding (null: not bound)
 * @param userId - the pusher (undefined: no authentication, nothing is bound)
 * @param recorded - this push records something (lastSeq moves)
 * @param appended - this push appends at least one accepted event
 * @internal shared by the backends
 */
export function clientClaim(
  known: boolean,
  owner: string | null,
  userId: string | undefined,
  recorded: boolean,
  appended: boolean,
): string | null {
  if (userId === undefined || owner !== null) return null
  return (known ? appended : recorded) ? userId : null
}

/** A verdict whose reason can be stored: Postgres `text` refuses U+0000 (a reason may quote
 * an args key or a hook's message), so it becomes U+FFFD, on every backend alike. */
function storable(verdicts: readonly (Verdict | undefined)[]): readonly (Verdict | undefined)[] {
  if (!verdicts.some((v) => v?.reason.includes('\0'))) return verdicts
  return verdicts.map((v) => (v ? { ...v, reason: v.reason.replaceAll('\0', '\uFFFD') } : v))
}

/**
 * Runs the judge (if any) over the fresh events the verdicts accept.
 * @returns the final verdict per pushed event (indexed like `events`), reasons storable,
 *   or undefined when stale
 * @internal shared by the backends
 */
export function judgeFresh(
  head: number,
  events: readonly PushedEvent[],
  plan: PushPlan,
  verdicts: readonly (Verdict | undefined)[],
  judge: Judge | undefined,
): readonly (Verdict | undefined)[] | undefined {
  const idx = judge ? plan.fresh.filter((i) => !verdicts[i]) : []
  if (!judge || idx.length === 0) return storable(verdicts)
  const judged = judge(
    head,
    idx.map((i) => events[i] as PushedEvent),
  )
  if (!judged) return undefined
  const out = [...verdicts]
  idx.forEach((i, k) => {
    out[i] = judged[k]
  })
  return storable(out)
}

/**
 * Builds the ack results of a push from the plan and what the backend found/did.
 * @internal shared by the backends
 */
export function buildResults(
  events: readonly PushedEvent[],
  plan: PushPlan,
  fresh: ReadonlyMap<number, AckResult>,
  stored: ReadonlyMap<number, AckResult>,
  lastSeq: number,
): AckResult[] {
  const results: AckResult[] = []
  const gapped = new Set(plan.gapped)
  for (let i = 0; i < events.length; i++) {
    const seq = (events[i] as PushedEvent).seq
    const f = fresh.get(seq)
    if (f) results.push(f)
    else if (gapped.has(i))
      results.push({ seq, ok: false, code: 'gap', reason: `expected seq ${lastSeq + 1}, got ${seq}` })
    else {
      const s = stored.get(seq)
      // Unreachable with the bundled backends (outcomes are never deleted); never claim a success we cannot prove.
      results.push(
        s
          ? { ...s, duplicate: true }
          : {
              seq,
              ok: false,
              code: 'invalid',
              reason: 'duplicate of an event whose outcome is no longer stored',
              duplicate: true,
            },
      )
    }
  }
  return results
}
