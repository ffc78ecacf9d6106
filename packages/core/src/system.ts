/**
 * The reactive graph algorithm. Owns nodes, links, dirtiness, the effect queue and
 * the tracking context, and the store contract every node carries. Knows nothing of
 * maps, lifecycles or frameworks: the public primitives (`signal.ts`, `computed.ts`,
 * `effect.ts`, …) are thin layers on top.
 *
 * Glossary
 * - node: anything in the graph. A *source* (signal) holds a value; a *computed*
 *   derives one lazily from its deps; an *effect* runs a side effect; a *scope* only
 *   owns effects. Every node has the same hidden class (see decision 0002).
 * - dep / sub: if B reads A, A is a dep of B and B is a sub of A. One `Link` object
 *   is both the entry in B's dep list and in A's sub list (two doubly-linked lists).
 * - owner: an effect or scope that created effects; the children are linked as its
 *   deps so disposing (or re-running) the owner unlinks and disposes them.
 * - DIRTY: on a computed, a dep's value certainly changed: recompute. On a signal, it
 *   has an uncommitted write (`pending`), committed by the first read after it, so a
 *   value written and written back within a batch is no change at all.
 * - PENDING: some dep further up may have changed; check deps before recomputing
 *   (push PENDING down on write, pull-check on read).
 * - epoch: a counter bumped on every run; a link stamped with the current epoch was
 *   already read in this run, so repeated reads do not add duplicate links.
 * - RUNNING: the node's function is on the stack; reading a RUNNING computed is a cycle,
 *   and writes do not re-mark a RUNNING node (an effect's own writes never re-run it).
 * - ERROR: the computed's `value` is a thrown error, re-thrown to readers.
 * - flush: runs queued effects in order; their errors (and throwing cleanups) are
 *   collected and re-thrown when the outermost flush ends (decision 0003).
 *
 * The hot functions test links and nodes with `!== undefined`, never by truthiness:
 * V8 compiles `if (l)` on a field of unknown type to a dozen instructions, `!== undefined`
 * to one compare (decision 0005, ninth session). Cold code keeps the shorter form.
 */
import type { Computed, NodeOptions, ReadableStore, Signal } from './types.js'

// Node kind and state bits (a node's `flags`). Private, and this module imports nothing:
// esbuild inlines the constants of an import-free module as literals (smaller bundle),
// and V8 folds private top-level `const`s into the compiled code (exported bindings are
// module cells, loaded on every use — decision 0002).
const COMPUTED = 1
const EFFECT = 2
const SCOPE = 4
const RUNNING = 8
const DIRTY = 16
const PENDING = 32
const ERROR = 64
const QUEUED = 128
const HAS_CHILDREN = 256
const MOUNT = 512
const EQUALS = 1024

// The flags other modules need, on cold paths only (creating nodes, onMount).
/** A new computed: DIRTY and with "no valid value" (ERROR), so the first run counts as a
 * change, passes `undefined` as previous value and never consults `equals`. */
export const NEW_COMPUTED = COMPUTED | DIRTY | ERROR
/** A new effect node. */
export const NEW_EFFECT = EFFECT
/** A new scope node. */
export const NEW_SCOPE = SCOPE
/** Set on a node with `onMount` handlers: `ReactiveNode.mount` is called when it gains or loses its subs. */
export const HAS_MOUNT = MOUNT

// The typed errors (re-exported by `errors.ts`).

/**
 * `onMount` (which needs a core graph node) got something else,
 * for example a hand-written object that only looks like a store.
 *
 * @example
 * ```ts
 * try { onMount({ get() {} } as never, start) } catch (e) { e instanceof NotAStoreError } // true
 * ```
 */
export class NotAStoreError extends TypeError {
  /** Always `'NOT_A_STORE'`. */
  readonly code = 'NOT_A_STORE'
  override readonly name = 'NotAStoreError'
  constructor() {
    super('onMount needs a Strata store')
  }
}

/**
 * A computed read itself, directly or through other computeds. The message names the
 * nodes of the cycle in read order (give nodes a `name` option to make it readable).
 *
 * @example
 * ```ts
 * const a = computed((): number => b.get(), { name: 'a' })
 * const b = computed(() => a.get(), { name: 'b' })
 * try { a.get() } catch (e) { if (e instanceof CycleError) console.log(e.nodes) } // ['a', 'b', 'a']
 * ```
 */
export class CycleError extends Error {
  /** Always `'CYCLE'`. */
  readonly code = 'CYCLE'
  override readonly name = 'CycleError'
  /** Names of the nodes on the cycle, starting and ending with the node read twice. */
  declare readonly nodes: string[]
  #start: unknown
  constructor(name: string, start: unknown) {
    super()
    this.nodes = [name]
    this.#start = start
  }
  /** @internal Called while the error unwinds through each computed on the cycle. */
  enter(name: string, node: unknown): void {
    if (this.#start) this.nodes.unshift(name)
    if (node === this.#start) this.#start = undefined
    this.message = `Cycle detected: ${this.nodes.join(' -> ')}`
  }
}

/** One edge of the graph: an entry in `sub`'s dep list and in `dep`'s sub list. */
export interface Link {
  epoch: number
  dep: ReactiveNode
  sub: ReactiveNode
  prevDep: Link | undefined
  nextDep: Link | undefined
  prevSub: Link | undefined
  nextSub: Link | undefined
}

/**
 * A graph node with its three graph operations (tracked read, untracked read, write) and
 * the rest of the store contract (`update`, `subscribe`, `listen`). Every node is one of
 * these (one class, one hidden class, decision 0002), and the hot operations stay inside
 * this module (calls and bindings across ES modules measurably slow V8 down).
 * Fields are public to the algorithm only; the API exposes interfaces.
 */
export class ReactiveNode<T = unknown> {
  declare flags: number
  declare value: unknown
  /** A signal's last written, not yet committed value. */
  declare pending: unknown
  /** A computed's getter or an effect's body. */
  declare fn: ((previous: unknown) => unknown) | undefined
  declare deps: Link | undefined
  declare depsTail: Link | undefined
  declare subs: Link | undefined
  declare subsTail: Link | undefined
  declare cleanup: (() => void) | undefined
  /** The lifecycle hook, installed by `lifecycle.ts` only when `onMount` is used: called
   * when a MOUNT node gains its first sub (`observed`) or loses its last one. */
  declare static mount: ((node: ReactiveNode, observed: boolean) => void) | undefined
  constructor(flags: number, value: unknown, fn?: (previous: unknown) => unknown) {
    // every field assigned here, always in this order: one hidden class for all nodes
    this.flags = flags
    this.value = this.pending = value
    this.fn = fn
    this.deps = this.depsTail = this.subs = this.subsTail = this.cleanup = undefined
  }

  /** Tracked read (the hot path: a flag test, a link, a field load). */
  get(): T {
    if (this.flags & (DIRTY | PENDING | RUNNING | ERROR)) return read(this, true) as T
    const sub = activeSub
    // repeated reads of the same dep (a loop in a computed) stop at the first test
    if (sub !== undefined) link(this, sub)
    return this.value as T
  }

  /** Untracked read; still brings a stale computed up to date. */
  peek(): T {
    return read(this, false) as T
  }

  /** Write a source; marks what may depend on it and (outside a batch) runs effects. */
  set(v: T): void {
    if (same(this, this.pending, v)) return
    this.pending = v
    if (this.subs !== undefined) {
      this.flags |= DIRTY
      markPending(this.subs)
      if (!batchDepth) flush()
    } else this.value = v
  }

  // The store contract's cold half (decision 0002: one class for every node).
  update(fn: (value: T) => T): void {
    this.set(fn(this.peek()))
  }

  subscribe(fn: (value: T) => void): () => void {
    return observe(this, fn, true)
  }

  listen(fn: (value: T, oldValue: T) => void): () => void {
    return observe(this, fn)
  }
}

/**
 * Create a writable store holding `initial`. Reads inside a computed or effect are
 * tracked; writes notify only when the value differs (`===`, or `options.equals`).
 * Public as `signal` (re-exported by `signal.ts`: the graph's own function, no wrapper
 * ships).
 *
 * @param initial - the first value
 * @param options - `equals` to decide sameness, `name` for error messages
 * @returns the signal (`get`, `peek`, `set`, `update`, `subscribe`, `listen`)
 * @example
 * ```ts
 * const count = signal(0)
 * count.subscribe((n) => console.log(n)) // logs 0
 * count.update((n) => n + 1) // logs 1
 * ```
 */
export function node<T>(initial: T, options?: NodeOptions<T>): Signal<T>
// `computed()` also passes its `fn` and flags (the public signature above hides them)
export function node<T>(
  value: T,
  opts?: NodeOptions<T>,
  fn?: (prev: unknown) => unknown,
  flags = 0,
): ReactiveNode<T> {
  const n = new ReactiveNode<T>(opts?.equals ? flags | EQUALS : flags, value, fn)
  if (opts) options.set(n, opts as NodeOptions<never>)
  return n
}

/** A listener is an effect that reads the store and calls `fn` untracked and unowned. */
function observe<T>(store: ReactiveNode<T>, fn: (value: T, oldValue: T) => void, now?: boolean): () => void {
  let old: T
  return createEffect(() => {
    const v = store.get()
    const prev = old
    old = v
    if (now) (untracked as Detachable)(() => fn(v, prev), true)
    else now = true
  }, EFFECT)
}

/** `untracked` with its internal `detach` flag, as the graph's own callers see it. */
export type Detachable = <T>(fn: () => T, detach: boolean) => T

/** `node` with the parameters its public signature hides, as `computed()` calls it. */
export type NodeWithFn = <T>(
  value: unknown,
  opts: NodeOptions<T> | undefined,
  fn: (prev: unknown) => unknown,
  flags: number,
) => Computed<T>

/** Record that `sub` read `dep` in its current run. */
function link(dep: ReactiveNode, sub: ReactiveNode): void {
  const tail = sub.depsTail
  if (tail !== undefined && tail.dep === dep) return
  const next = tail !== undefined ? tail.nextDep : sub.deps
  if (next !== undefined && next.dep === dep) {
    // same order as last run: reuse the link
    next.epoch = epoch
    sub.depsTail = next
    return
  }
  const lastSub = dep.subsTail
  if (lastSub !== undefined && lastSub.epoch === epoch && lastSub.sub === sub) return
  const l: Link = {
    epoch,
    dep,
    sub,
    prevDep: tail,
    nextDep: next,
    prevSub: lastSub,
    nextSub: undefined,
  }
  sub.depsTail = dep.subsTail = l
  if (next !== undefined) next.prevDep = l
  if (tail !== undefined) tail.nextDep = l
  else sub.deps = l
  if (lastSub !== undefined) lastSub.nextSub = l
  else {
    dep.subs = l
    if (dep.flags & MOUNT) ReactiveNode.mount!(dep, true)
  }
}

/** Options kept off the node (rarely used): debug name and custom equality. */
const options = new WeakMap<ReactiveNode, NodeOptions<never>>()

/** The node currently tracking reads (a running computed or effect). */
let activeSub: ReactiveNode | undefined
/** The effect or scope that owns effects created now. */
let owner: ReactiveNode | undefined
let batchDepth = 0
let epoch = 0
const queue: (ReactiveNode | undefined)[] = []
let queueHead = 0
let queueTail = 0
const errors: unknown[] = []

function same(n: ReactiveNode, a: unknown, b: unknown): boolean {
  return n.flags & EQUALS ? options.get(n)!.equals!(a as never, b as never) : a === b
}

/**
 * Run `fn` without tracking the stores it reads. Public as `untrack` (re-exported by
 * `untrack.ts`: the graph's own function, no wrapper or alias ships).
 *
 * @param fn - reads stores
 * @returns what `fn` returns
 * @example
 * ```ts
 * effect(() => {
 *   log(count.get(), untrack(() => label.get())) // re-runs on count only
 * })
 * ```
 */
export function untracked<T>(fn: () => T): T
// The graph's callers also pass `detach` (run without an owner either), through the
// `Detachable` type: the public signature above hides that flag.
export function untracked<T>(fn: () => T, detach?: boolean): T {
  const prevSub = activeSub
  const prevOwner = owner
  activeSub = undefined
  if (detach) owner = undefined
  try {
    return fn()
  } finally {
    activeSub = prevSub
    owner = prevOwner
  }
}

/** Drop the deps after `depsTail`: the ones a finished run did not read again (all of
 * them when `depsTail` was reset). */
function purgeDeps(sub: ReactiveNode): void {
  const tail = sub.depsTail
  let l = tail !== undefined ? tail.nextDep : sub.deps
  while (l !== undefined) l = unlink(l)
}

/** Dispose an effect or scope: children, deps, cleanup, and its place in its owner. */
function dispose(n: ReactiveNode): void {
  if (!n.flags) return
  n.flags = 0
  n.depsTail = undefined
  purgeDeps(n)
  if (n.cleanup) runCleanup(n)
  if (n.subs) unlink(n.subs)
}

/** A node lost its last sub: a computed lets go of its deps and is DIRTY until read again,
 * an effect or scope (whose only sub is its owner) is disposed, and a store with `onMount`
 * handlers is told. Cold enough for truthiness tests (decision 0007). */
function unwatched(node: ReactiveNode): void {
  const f = node.flags
  if (f & COMPUTED) {
    if (node.deps) {
      node.depsTail = undefined
      purgeDeps(node)
      node.flags = f | DIRTY
      if (node.cleanup) runCleanup(node)
    }
  } else if (f & (EFFECT | SCOPE)) dispose(node)
  if (f & MOUNT) ReactiveNode.mount!(node, false)
}

/** Remove a link from both lists; returns the next dep link of its sub. */
function unlink(l: Link): Link | undefined {
  const { dep, sub, prevDep, nextDep, prevSub, nextSub } = l
  if (nextDep !== undefined) nextDep.prevDep = prevDep
  else sub.depsTail = prevDep
  if (prevDep !== undefined) prevDep.nextDep = nextDep
  else sub.deps = nextDep
  if (nextSub !== undefined) nextSub.prevSub = prevSub
  else dep.subsTail = prevSub
  if (prevSub !== undefined) prevSub.nextSub = nextSub
  else if ((dep.subs = nextSub) === undefined) unwatched(dep)
  return nextDep
}

/** Run a node's cleanups (or a mounted store's stops, for `lifecycle.ts`), untracked and
 * unowned; an error is collected like an effect error and thrown by the flush (or the
 * disposal) under way — or, when none is (a plain read outside effects re-evaluated a
 * computed), by the next one (decision 0007). */
export function runCleanup(n: { cleanup?: (() => void) | undefined }): void {
  const fn = n.cleanup!
  n.cleanup = undefined
  try {
    ;(untracked as Detachable)(fn, true)
  } catch (err) {
    errors.push(err)
  }
}

/** Queue an effect, after queuing its idle owner effect first (it may dispose this one). */
function notify(e: ReactiveNode): void {
  const o = e.subs?.sub
  if (o !== undefined && (o.flags & (EFFECT | QUEUED)) === EFFECT) notify(o)
  e.flags |= QUEUED
  queue[queueTail++] = e
}

/** A node's value changed during a pull: its PENDING subs are now DIRTY. */
function markDirty(l: Link | undefined): void {
  for (; l !== undefined; l = l.nextSub) {
    const sub = l.sub
    const f = sub.flags
    // no notify here: markPending queued every effect it marked PENDING
    if ((f & (DIRTY | PENDING)) === PENDING) sub.flags = f | DIRTY
  }
}

/**
 * A source was written: every node below it may be stale (PENDING); effects are queued.
 * Recursive, one frame per level: a chain of computeds deeper than the JS stack allows
 * throws `RangeError` (decision 0007 gives the measured depths).
 */
function markPending(l: Link | undefined): void {
  for (; l !== undefined; l = l.nextSub) {
    const sub = l.sub
    const f = sub.flags
    if (!(f & (DIRTY | PENDING | RUNNING))) {
      sub.flags = f | PENDING
      if (f & EFFECT) notify(sub)
      else markPending(sub.subs)
    }
  }
}

/**
 * Refresh a PENDING node's deps in order until one changes; returns whether one did, or
 * `n` became DIRTY meanwhile (a dep refreshed on the way changed and `markDirty` reached
 * `n`). The dep's own answer counts, not only the flag: a read of `n` nested inside the
 * dep's run may have cleared `n`'s PENDING, so `markDirty` no longer marks it. Recursive
 * through `refresh`, two frames per level: a stale chain deeper than the JS stack allows
 * throws `RangeError` (preact signals and Vue recurse too; decision 0007).
 */
function checkDirty(n: ReactiveNode): boolean {
  for (let l = n.deps; l !== undefined; l = l.nextDep) {
    if ((!(l.dep.flags & (EFFECT | SCOPE)) && refresh(l.dep)) || n.flags & DIRTY) return true
  }
  return false
}

/** Bring `n` up to date if it is DIRTY, or PENDING with a dep that changed (after
 * bringing that dep up to date first); a PENDING node whose deps all proved clean is
 * clean again without running. Returns whether `n`'s value changed. */
function refresh(n: ReactiveNode): boolean {
  const f = n.flags
  if (f & DIRTY || (f & PENDING && checkDirty(n))) {
    if (update(n)) {
      markDirty(n.subs)
      return true
    }
  } else if (f & PENDING) n.flags &= ~PENDING
  return false
}

/**
 * Run `fn`; effects triggered by its writes run once when the outermost batch ends.
 * Reads inside the batch already see the new values (computeds stay consistent).
 * Public as `batch` (re-exported by `batch.ts`: the graph's own function, no wrapper).
 *
 * @param fn - does the writes
 * @returns what `fn` returns
 * @example
 * ```ts
 * batch(() => {
 *   first.set('Ada')
 *   last.set('Lovelace')
 * }) // an effect reading both runs once
 * ```
 */
export function batch<T>(fn: () => T): T {
  ++batchDepth
  try {
    return fn()
  } finally {
    if (!--batchDepth) flush()
  }
}

/** Run every queued effect; then rethrow the effect errors collected (decision 0003). */
function flush(): void {
  ++batchDepth
  while (queueHead < queueTail) {
    const e = queue[queueHead]!
    queue[queueHead++] = undefined
    const f = e.flags
    // What throws here is reported like an effect error at the end of this flush and
    // leaves the effect idle: a stack overflow in the check (a too-deep chain, decision
    // 0007) or a signal's `equals` throwing as the check commits a write. Bodies,
    // cleanups and `onMount` stops run inside their own catches.
    try {
      if (f & DIRTY || (f & PENDING && checkDirty(e))) execute(e)
      else e.flags = f & ~(PENDING | QUEUED)
    } catch (err) {
      errors.push(err)
      e.flags &= ~(DIRTY | PENDING | QUEUED)
    }
  }
  queueHead = queueTail = 0
  --batchDepth
  if (errors.length) {
    const all = errors.splice(0)
    throw all[1] ? new AggregateError(all) : all[0]
  }
}

/**
 * Create and run an effect node (or, with `NEW_SCOPE`, a scope that only owns), owned by
 * the current owner. An error in the first run disposes it and is thrown to the caller.
 */
export function createEffect(fn: () => unknown, flags: number): () => void {
  const node = new ReactiveNode(flags, undefined, fn)
  if (owner) {
    link(node, owner)
    owner.flags |= HAS_CHILDREN
  }
  const n = errors.length
  execute(node)
  if (errors.length > n) {
    dispose(node)
    throw errors.pop()
  }
  return () => {
    dispose(node)
    // report a throwing cleanup now (flush with an empty queue only rethrows)
    if (!batchDepth) flush()
  }
}

/** Chain `fn` after a node's (or a mount record's) cleanups. A cleanup that throws does not
 * keep the later ones from running; if several throw, the last error is the one reported. */
export function addCleanup(n: { cleanup?: (() => void) | undefined }, fn: () => void): void {
  const prev = n.cleanup
  n.cleanup = prev
    ? () => {
        try {
          prev()
        } finally {
          fn()
        }
      }
    : fn
}

/** Bring a computed up to date (if it is one) and record the read. */
function read(n: ReactiveNode, track: boolean): unknown {
  const f = n.flags
  if (f & RUNNING) throw new CycleError(nameOf(n), n)
  refresh(n)
  if (track && activeSub !== undefined) link(n, activeSub)
  if (n.flags & ERROR) throw n.value
  return n.value
}

/** Run an effect's body, tracking its reads. Errors (of the body, of cleanups, of stops
 * run by dropped deps) are collected, not thrown. */
function execute(e: ReactiveNode): void {
  if (e.flags & HAS_CHILDREN) {
    for (let l = e.deps; l; ) l = l.dep.flags & (EFFECT | SCOPE) ? unlink(l) : l.nextDep
  }
  if (e.cleanup !== undefined) runCleanup(e)
  if (!e.flags) return
  const prevSub = activeSub
  const prevOwner = owner
  activeSub = e.flags & SCOPE ? undefined : e
  owner = e
  e.depsTail = undefined
  e.flags = (e.flags & ~(DIRTY | PENDING | QUEUED)) | RUNNING
  ++epoch
  try {
    const r = e.fn!(undefined)
    if (typeof r === 'function') addCleanup(e, r as () => void)
  } catch (err) {
    errors.push(err)
  }
  activeSub = prevSub
  owner = prevOwner
  e.flags &= ~RUNNING
  purgeDeps(e)
}

/** Recompute a computed, or commit a signal's pending write; returns whether its value
 * changed (an error counts as a change). */
function update(c: ReactiveNode): boolean {
  const f = c.flags
  let changed: boolean
  if (f & COMPUTED) {
    const prevSub = activeSub
    if (c.cleanup !== undefined) runCleanup(c)
    activeSub = c
    c.depsTail = undefined
    c.flags = (f & ~(DIRTY | PENDING | ERROR)) | RUNNING
    ++epoch
    const old = f & ERROR ? undefined : c.value
    try {
      const v = c.fn!(old)
      changed = !!(f & ERROR) || !same(c, old, v)
      if (changed) c.value = v
    } catch (err) {
      if (err instanceof CycleError) err.enter(nameOf(c), c)
      c.value = err
      c.flags |= ERROR
      changed = true
    }
    activeSub = prevSub
    c.flags &= ~RUNNING
    purgeDeps(c)
  } else {
    c.flags = f & ~DIRTY
    if ((changed = !same(c, c.value, c.pending))) c.value = c.pending
  }
  return changed
}

/**
 * Register `fn` to run before the current effect, computed or scope re-runs or is
 * disposed. Outside of one it does nothing. Public as `onCleanup` (re-exported by
 * `effect.ts`).
 *
 * @param fn - the cleanup
 * @example
 * ```ts
 * effect(() => {
 *   const timer = setInterval(tick, 1000)
 *   onCleanup(() => clearInterval(timer))
 * })
 * ```
 */
export function onCleanup(fn: () => void): void {
  const n = activeSub ?? owner
  // a falsy `fn` (`onCleanup(timer && stop)` in plain JS) registers nothing: the runs
  // test `cleanup !== undefined`
  if (n && fn) addCleanup(n, fn)
}

function nameOf(n: ReactiveNode): string {
  return options.get(n)?.name ?? 'computed'
}

/**
 * Whether `x` is a Strata store (signal, computed, map store or a higher-layer node).
 *
 * @param x - any value
 * @returns true if `x` implements the store contract through the core graph
 * @example
 * ```ts
 * isStore(signal(1)) // true
 * isStore({ get() {} }) // false
 * ```
 */
export function isStore(x: unknown): x is ReadableStore<unknown> {
  return x instanceof ReactiveNode
}
