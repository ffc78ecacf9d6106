/**
 * Commit forwarding between tabs (docs/decisions/0058). A follower tab cannot write its
 * replica, so `store.commit` there validates the events and hands them to the
 * `CommitForwarder`, which sends them to the leader tab over the store's
 * BroadcastChannel. The leader commits them through its own store (materializers,
 * journal, persistence, sync push) and its records reach every tab like any other change.
 *
 * Protocol (messages in tabs.ts):
 * - follower → leader `commit {tab, batch}`: at most ONE batch in flight per tab (stop
 *   and wait); commits made meanwhile queue and go together in the next batch. So a
 *   batch the leader never answered is always resent whole and in order.
 * - leader → follower `done {tab, head, results}`: after the batch is applied AND durable;
 *   `head` is the leader's journal head, so the follower knows when its replica shows it.
 * - new leader → all `leader`: it is ready; followers resend their unanswered batch.
 * - Each commit has an id (`<tab>.<n>`). The transaction that applies it also writes the
 *   id into the database (commit-ids.ts), and its record carries the id as a tag, so
 *   whichever tab leads next — booted from records, a snapshot or an image — knows it was
 *   applied and answers a retry without applying it again (decision 0062).
 * - A follower's `settled()` (its `flush()`) waits at most `timeoutMs` for answers, then
 *   rejects `forward_timeout`; the commits stay sent, and a late answer is kept (0062).
 */
import { MaterializerError, StoreError } from '../errors.js'
import type { EventInput } from '../events/define.js'
import type { JournalRecord } from './codec.js'
import { PersistenceError } from './errors.js'
import { ForwardedWrites } from './forwarded-writes.js'
import type { TabMessage } from './tabs.js'

/**
 * One forwarded commit: its id and the events as the caller passed them (the leader
 * validates them again with its schema).
 * @example
 * const c: ForwardedCommit = { id: 'k3x.1', events: [{ name: 'todoCreated', args: { id: 't1' } }] }
 */
export interface ForwardedCommit {
  readonly id: string
  readonly events: readonly EventInput[]
}

/**
 * A store error as it crosses tabs (errors do not survive structured cloning as classes).
 * @example
 * const w: WireError = { code: 'materializer_failed', message: '…', event: 'todoCreated', cause: 'boom' }
 */
export interface WireError {
  readonly code: string
  readonly message: string
  /** MaterializerError: the event whose materializer threw. */
  readonly event?: string
  /** MaterializerError: the message of what it threw. */
  readonly cause?: string
}

/**
 * The leader's answer for one forwarded commit: applied (no `error`) or refused.
 * @example
 * const r: ForwardResult = { id: 'k3x.1' }
 */
export interface ForwardResult {
  readonly id: string
  readonly error?: WireError
}

/**
 * Options of a `CommitForwarder`.
 * @example
 * const options: ForwarderOptions = { storeId: 'app', tabId: 'k3x', post, owns: () => leader, head: () => driver.head, durable: () => persister.flush() }
 */
export interface ForwarderOptions {
  readonly storeId: string
  readonly tabId: string
  /** Post on the store's channel. */
  readonly post: (msg: TabMessage) => void
  /** True while this tab leads AND has caught up (it commits itself). */
  readonly owns: () => boolean
  /** This tab's journal head. */
  readonly head: () => number
  /** Resolves when everything committed here is durable (the leader's persister). */
  readonly durable: () => Promise<void>
  /** Each forwarded commit the leader refused or could not persist. */
  readonly onError?: ((error: StoreError) => void) | undefined
  /**
   * Leader: whether the database already holds the effects of commit `id` (its id was
   * written with it, commit-ids.ts). Consulted for ids this tab has no outcome for.
   */
  readonly applied?: ((id: string) => boolean) | undefined
  /**
   * Follower: how long `settled()` waits for the leader before rejecting with
   * `forward_timeout` (default 10,000 ms; `Infinity` = no limit).
   */
  readonly timeoutMs?: number | undefined
}

/**
 * The forwarded commit being applied right now, and the first commit of its batch.
 * @example
 * const c: ApplyingCommit = { id: 'k3x.7', first: 'k3x.5' }
 */
export interface ApplyingCommit {
  readonly id: string
  /**
   * The id of the first commit of its batch. Everything that tab forwarded before it was
   * answered already (one batch in flight per tab), so it will never be retried.
   */
  readonly first: string
}

/** Default of `ForwarderOptions.timeoutMs` (and `browserAdapter({ forwardTimeoutMs })`). */
const FORWARD_TIMEOUT_MS = 10_000

const plural = (n: number) => (n === 1 ? '' : 's')

/** How many commit ids (and outcomes) a tab remembers for de-duplication. */
const REMEMBERED = 10_000

const toWire = (e: unknown): WireError => {
  if (e instanceof MaterializerError) {
    const cause = e.cause instanceof Error ? e.cause.message : String(e.cause)
    return { code: e.code, message: e.message, event: e.eventName, cause }
  }
  if (e instanceof StoreError) return { code: e.code, message: e.message }
  return { code: 'forward_failed', message: e instanceof Error ? e.message : String(e) }
}

const fromWire = (storeId: string, w: WireError): StoreError => {
  if (w.code === 'materializer_failed' && w.event !== undefined)
    return new MaterializerError(w.event, new Error(w.cause ?? w.message))
  if (w.code === 'persistence_failed')
    return new PersistenceError(storeId, `the leader tab could not persist a forwarded commit: ${w.message}`)
  return new StoreError(w.code, w.message)
}

/**
 * Both sides of commit forwarding for one tab: the follower's outbox and the leader's
 * de-duplicating applier. `open.ts` routes channel messages to it.
 * @example
 * const forwarder = new CommitForwarder({ storeId, tabId, post, owns, head, durable })
 * forwarder.forward([{ name: 'todoCreated', args }]) // true in a follower: sent to the leader
 */
export class CommitForwarder {
  readonly #o: ForwarderOptions
  /** Made here, not sent yet (a batch is in flight). */
  #queue: ForwardedCommit[] = []
  /** Sent, not answered yet. */
  #inflight: ForwardedCommit[] = []
  #n = 0
  /** Head this tab must reach to show every answered commit. */
  #visibleAt = 0
  #failures: StoreError[] = []
  #waiters: (() => void)[] = []
  /** Leader: the store's commit function. */
  #apply: ((events: readonly EventInput[]) => void) | undefined
  /** Leader: batches received before it could apply them. */
  #held: { tab: string; batch: readonly ForwardedCommit[] }[] = []
  /** Commit ids seen applied (`undefined`) or refused (the error), oldest first. */
  readonly #outcomes = new Map<string, WireError | undefined>()
  /** The forwarded commit being applied right now (tags its record, its id is stored). */
  #current: ApplyingCommit | undefined
  /** The tab closed: no answer can arrive any more. */
  #closed = false
  /** Answered batches: their last commit number shows here once this tab's head reaches `head`. */
  readonly #showing: { n: number; head: number }[] = []
  #shown = 0

  /**
   * What this tab's forwarded commits leave rows as until they show here: collections
   * and client documents read their own writes from it.
   */
  readonly writes = new ForwardedWrites(
    () => this.shown,
    () => (this.#o.owns() ? 0 : this.#n),
  )

  /** @param options channel, leadership and persistence hooks */
  constructor(options: ForwarderOptions) {
    this.#o = options
  }

  /** The forwarded commit being applied now: its id tags the record it produces. */
  get current(): ApplyingCommit | undefined {
    return this.#current
  }

  /**
   * How many of this tab's forwarded commits (numbers 1…n, in the order made) show in
   * its replica or were refused by the leader (decision 0058).
   */
  get shown(): number {
    const q = this.#showing
    while (q.length > 0 && (this.#o.owns() || this.#o.head() >= q[0]!.head))
      this.#shown = Math.max(this.#shown, q.shift()!.n)
    return this.#shown
  }

  /** This tab's commits up to the last of `batch` show here once its head reaches `head`. */
  #answeredThrough(batch: readonly ForwardedCommit[], head: number): void {
    const last = batch.at(-1)
    if (last !== undefined) this.#showing.push({ n: Number(last.id.slice(this.#o.tabId.length + 1)), head })
  }

  /** Commits made in this tab that the leader has not answered yet. */
  get unanswered(): number {
    return this.#queue.length + this.#inflight.length
  }

  /**
   * The store's seam: in a follower, take the commit (validated by the caller) and send
   * it to the leader; in the leader, decline so the store commits itself.
   * @param events the events as passed to `commit`
   * @returns true when forwarded
   * @throws DataCloneError when an argument cannot be sent to another tab
   */
  forward(events: readonly EventInput[]): boolean {
    if (this.#o.owns()) return false
    // A copy now: the caller may mutate its objects, and uncloneable args throw here.
    const copy = structuredClone(events.map((e) => ({ name: e.name, args: e.args })))
    this.#queue.push({ id: `${this.#o.tabId}.${++this.#n}`, events: copy })
    this.#send()
    return true
  }

  #send(): void {
    if (this.#inflight.length > 0 || this.#queue.length === 0 || this.#o.owns()) return
    this.#inflight = this.#queue
    this.#queue = []
    this.#o.post({ t: 'commit', tab: this.#o.tabId, batch: this.#inflight })
  }

  /**
   * Follower: the leader answered a batch (ignored unless it is this tab's).
   * @param msg the `done` message
   */
  answered(msg: Extract<TabMessage, { t: 'done' }>): void {
    if (msg.tab !== this.#o.tabId) return
    const ids = new Set(msg.results.map((r) => r.id))
    const errors: StoreError[] = []
    for (const r of msg.results) {
      if (r.error === undefined || !this.#inflight.some((c) => c.id === r.id)) continue
      errors.push(fromWire(this.#o.storeId, r.error))
    }
    this.#failures.push(...errors)
    this.#answeredThrough(
      this.#inflight.filter((c) => ids.has(c.id)),
      msg.head,
    )
    this.#inflight = this.#inflight.filter((c) => !ids.has(c.id))
    this.#visibleAt = Math.max(this.#visibleAt, msg.head)
    this.#send()
    this.advanced()
    // The app's callback last: if it throws, the outbox has already moved on.
    for (const error of errors) this.#o.onError?.(error)
  }

  /** Follower: a new leader is ready; resend what the previous one never answered. */
  leaderChanged(): void {
    if (this.#inflight.length > 0) this.#o.post({ t: 'commit', tab: this.#o.tabId, batch: this.#inflight })
    else this.#send()
  }

  /**
   * The tab is closing: send commits still queued behind the batch in flight (best
   * effort — the leader applies them after that batch; nobody will see the answer).
   */
  closing(): void {
    if (this.#queue.length === 0 || this.#o.owns()) return
    this.#o.post({ t: 'commit', tab: this.#o.tabId, batch: this.#queue })
    this.#inflight = [...this.#inflight, ...this.#queue]
    this.#queue = []
  }

  /** The tab has closed (its channel too): wake `settled` waiters, who stop waiting for answers. */
  closed(): void {
    this.#closed = true
    this.advanced()
  }

  /** This tab's head moved (records applied): wake `settled` waiters. */
  advanced(): void {
    for (const wake of this.#waiters.splice(0)) wake()
  }

  /**
   * Resolve when every commit this tab forwarded so far was answered by the leader,
   * is durable there, and shows in this tab — waiting at most `timeoutMs`.
   * @returns rejects with the first failure since the previous call (MaterializerError,
   *   PersistenceError, or a StoreError with the leader's code), with a StoreError
   *   `forward_unanswered` when the tab closed before the leader answered, or with a
   *   StoreError `forward_timeout` when the leader did not answer in time (a hung or
   *   frozen tab that still holds the lock). After a timeout the commits stay sent and
   *   are neither dropped nor sent again: a later answer is recorded and a later call
   *   reports it.
   */
  async settled(): Promise<void> {
    const limit = this.#o.timeoutMs ?? FORWARD_TIMEOUT_MS
    let timer: ReturnType<typeof setTimeout> | undefined
    let late = false
    try {
      while (this.unanswered > 0 || (!this.#o.owns() && this.#o.head() < this.#visibleAt)) {
        if (this.#closed) {
          const n = this.unanswered
          if (n === 0) break // answered (applied and durable); it can no longer show here
          // Reported once, like any failure: a later flush of the adapter is not held by them.
          this.#inflight = []
          this.#queue = []
          throw new StoreError(
            'forward_unanswered',
            `Store "${this.#o.storeId}" closed before the leader tab answered ${n} forwarded commit${plural(n)}: they were sent and may still be applied there`,
          )
        }
        if (late) throw this.#timedOut(limit)
        if (timer === undefined && Number.isFinite(limit))
          timer = setTimeout(() => {
            late = true
            this.advanced()
          }, limit)
        await new Promise<void>((resolve) => this.#waiters.push(resolve))
      }
    } finally {
      clearTimeout(timer)
    }
    const failures = this.#failures.splice(0)
    if (failures.length > 0) throw failures[0]
  }

  #timedOut(limit: number): StoreError {
    const n = this.unanswered
    const what =
      n > 0
        ? `the leader tab did not answer ${n} forwarded commit${plural(n)} within ${limit} ms: they were sent and may still be applied`
        : `the leader tab answered, but its records did not reach this tab within ${limit} ms: the commits were sent and applied`
    return new StoreError(
      'forward_timeout',
      `Store "${this.#o.storeId}": ${what} (they are not sent again; a later flush() reports the outcome)`,
    )
  }

  /**
   * Note the commit ids a record applied (from this tab's commits, the leader's
   * broadcast, or storage at boot), so a retry of them is never applied again.
   * @param record a journal record
   */
  observe(record: JournalRecord): void {
    for (const id of record.tags ?? []) this.#remember(id, undefined)
  }

  #remember(id: string, outcome: WireError | undefined): void {
    this.#outcomes.delete(id)
    this.#outcomes.set(id, outcome)
    if (this.#outcomes.size > REMEMBERED) this.#outcomes.delete(this.#outcomes.keys().next().value as string)
  }

  /**
   * Leader: the store registers how to commit forwarded events (its own `commit`).
   * @param apply commits the events synchronously; throws like `store.commit`
   */
  serve(apply: (events: readonly EventInput[]) => void): void {
    this.#apply = apply
    this.drain()
  }

  /**
   * Leader: a follower's batch (held until this tab owns the database and has a store).
   * @param msg the `commit` message
   */
  received(msg: Extract<TabMessage, { t: 'commit' }>): void {
    this.#held.push({ tab: msg.tab, batch: msg.batch })
    this.drain()
  }

  /**
   * Apply what can be applied now: this tab's own unanswered commits first (it has just
   * become the leader), then the batches other tabs sent.
   */
  drain(): void {
    if (!this.#o.owns() || this.#apply === undefined) return
    if (this.unanswered > 0) {
      this.#inflight = [...this.#inflight, ...this.#queue]
      this.#queue = []
      this.#held.unshift({ tab: this.#o.tabId, batch: this.#inflight })
    }
    for (const { tab, batch } of this.#held.splice(0)) this.#applyBatch(tab, batch)
  }

  #applyBatch(tab: string, batch: readonly ForwardedCommit[]): void {
    const results = batch.map((c): ForwardResult => {
      if (this.#outcomes.has(c.id)) {
        const known = this.#outcomes.get(c.id)
        return known === undefined ? { id: c.id } : { id: c.id, error: known }
      }
      if (this.#o.applied?.(c.id) === true) {
        this.#remember(c.id, undefined)
        return { id: c.id }
      }
      this.#current = { id: c.id, first: batch[0]!.id }
      try {
        this.#apply!(c.events)
        this.#remember(c.id, undefined)
        return { id: c.id }
      } catch (e) {
        const error = toWire(e)
        this.#remember(c.id, error)
        return { id: c.id, error }
      } finally {
        this.#current = undefined
      }
    })
    // This tab's own commits (it has just become the leader) show here at once.
    if (tab === this.#o.tabId) this.#answeredThrough(batch, 0)
    const answer = (final: readonly ForwardResult[]) => {
      const msg = { t: 'done', tab, head: this.#o.head(), results: final } as const
      if (tab === this.#o.tabId) this.answered(msg)
      else this.#o.post(msg)
    }
    this.#o.durable().then(
      () => answer(results),
      (e: unknown) =>
        answer(results.map((r) => (r.error !== undefined ? r : { id: r.id, error: toWire(e) }))),
    )
  }
}
