/**
 * Every error @strata/actions throws or reports. Each class carries a stable `code`
 * string and names the action / store / state where it happened, so callers can branch on
 * `error.code` and logs say what went wrong and where without a stack trace.
 *
 * THROWS (who raises what):
 * - registry: UnknownActionError, ActionValidationError, ActionLoopError, ActionTimeoutError,
 *   ActionHandlerError, DuplicateHandlerError
 * - transaction: TransactionAbortedError, TransactionConflictError, TransactionDeadlockError,
 *   TransactionClosedError, CompensationError
 * - machine: InvalidTransitionError · reset: ResetInProgressError, ResetCycleError, ResetError
 * - recovery: RecoveryError
 * @packageDocumentation
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * Base class of every error in this package.
 *
 * Why: one `instanceof` check and one `code` switch cover everything the package raises.
 * @example
 * ```ts
 * try { await actions.dispatch('save', draft) }
 * catch (e) { if (e instanceof ActionsError) console.log(e.code) }
 * ```
 */
export class ActionsError extends Error {
  /** Stable machine-readable code, e.g. `'UNKNOWN_ACTION'`. */
  readonly code: string
  /**
   * @param code - stable code string
   * @param message - human-readable message naming what and where
   * @param options - standard `ErrorOptions` (`cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/**
 * A dispatch named an action that has no handler registered.
 *
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('nope' as 'save', draft)
 * r.error instanceof UnknownActionError // true
 * ```
 */
export class UnknownActionError extends ActionsError {
  /** The action name that was dispatched. */
  readonly action: string
  /** @param action - the unknown action name */
  constructor(action: string) {
    super('UNKNOWN_ACTION', `Action "${action}" has no registered handler`)
    this.action = action
  }
}

/**
 * A payload failed the action's Standard Schema; no handler ran.
 *
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('rename', { name: 42 as unknown as string })
 * if (r.error instanceof ActionValidationError) console.log(r.error.issues)
 * ```
 */
export class ActionValidationError extends ActionsError {
  /** The action whose payload was rejected. */
  readonly action: string
  /** The schema issues, as the schema library reported them. */
  readonly issues: ReadonlyArray<StandardSchemaV1.Issue>
  /**
   * @param action - the action name
   * @param issues - the validation issues
   */
  constructor(action: string, issues: ReadonlyArray<StandardSchemaV1.Issue>) {
    const detail = issues
      .map(
        (i) =>
          `${i.path?.map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') || '(root)'}: ${i.message}`,
      )
      .join('; ')
    super('ACTION_VALIDATION', `Payload of action "${action}" failed its schema: ${detail}`)
    this.action = action
    this.issues = issues
  }
}

/**
 * A dispatch was re-entered deeper than the registry's `maxDepth` — almost always a loop
 * where handlers dispatch each other forever.
 *
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('ping', undefined)
 * if (r.error instanceof ActionLoopError) console.log(r.error.chain.join(' → '))
 * ```
 */
export class ActionLoopError extends ActionsError {
  /** The action whose dispatch crossed the limit. */
  readonly action: string
  /** The dispatch chain, outermost first. */
  readonly chain: readonly string[]
  /**
   * @param action - the action being dispatched
   * @param chain - the chain of actions that led here
   * @param maxDepth - the configured limit
   */
  constructor(action: string, chain: readonly string[], maxDepth: number) {
    super(
      'ACTION_LOOP',
      `Dispatch of "${action}" exceeded the re-entrant depth limit ${maxDepth}: ${[...chain, action].join(' → ')}`,
    )
    this.action = action
    this.chain = chain
  }
}

/**
 * A handler did not settle within its timeout; its `controller.signal` was aborted.
 *
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('slow', undefined)
 * if (r.error instanceof ActionTimeoutError) console.log(r.error.handlerId, r.error.timeout)
 * ```
 */
export class ActionTimeoutError extends ActionsError {
  /** The action being dispatched. */
  readonly action: string
  /** The handler that did not settle. */
  readonly handlerId: string
  /** The timeout in milliseconds. */
  readonly timeout: number
  /**
   * @param action - the action name
   * @param handlerId - the handler id
   * @param timeout - the timeout that elapsed, in ms
   */
  constructor(action: string, handlerId: string, timeout: number) {
    super(
      'ACTION_TIMEOUT',
      `Handler "${handlerId}" of action "${action}" did not settle within ${timeout} ms`,
    )
    this.action = action
    this.handlerId = handlerId
    this.timeout = timeout
  }
}

/**
 * A handler threw or rejected. The original error is `cause`.
 *
 * @example
 * ```ts
 * const r = await actions.dispatchWithResult('save', draft)
 * for (const e of r.errors) if (e instanceof ActionHandlerError) console.log(e.handlerId, e.cause)
 * ```
 */
export class ActionHandlerError extends ActionsError {
  /** The action being dispatched. */
  readonly action: string
  /** The handler that failed. */
  readonly handlerId: string
  /**
   * @param action - the action name
   * @param handlerId - the handler id
   * @param cause - what the handler threw
   */
  constructor(action: string, handlerId: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause)
    super('ACTION_HANDLER_FAILED', `Handler "${handlerId}" of action "${action}" failed: ${why}`, { cause })
    this.action = action
    this.handlerId = handlerId
  }
}

/**
 * `register` was given an `id` already used by another handler of the same action.
 *
 * @example
 * ```ts
 * actions.register('save', a, { id: 'persist' })
 * actions.register('save', b, { id: 'persist' }) // throws DuplicateHandlerError
 * ```
 */
export class DuplicateHandlerError extends ActionsError {
  /**
   * @param action - the action name
   * @param id - the duplicated handler id
   */
  constructor(action: string, id: string) {
    super('DUPLICATE_HANDLER', `Action "${action}" already has a handler with id "${id}"`)
  }
}

/**
 * A transaction was aborted (`tx.abort(reason)` or its `signal`); every store it wrote was
 * left as it was before.
 *
 * @example
 * ```ts
 * await transaction(async (tx) => { tx.abort('cart is empty') }).catch((e) => e.reason)
 * ```
 */
export class TransactionAbortedError extends ActionsError {
  /** Why the transaction was aborted. */
  readonly reason: unknown
  /** @param reason - the abort reason */
  constructor(reason: unknown) {
    super(
      'TRANSACTION_ABORTED',
      `Transaction aborted: ${reason instanceof Error ? reason.message : String(reason)}`,
    )
    this.reason = reason
  }
}

/**
 * A store written by the transaction was changed by code outside any transaction after
 * the transaction first wrote it; committing would silently overwrite that change, so
 * nothing was committed.
 *
 * @example
 * ```ts
 * try { await transaction(fn) } catch (e) { if (e instanceof TransactionConflictError) retry() }
 * ```
 */
export class TransactionConflictError extends ActionsError {
  /** Label of the conflicting store (its `name` option or its index in write order). */
  readonly store: string
  /** @param store - label of the store that was written concurrently */
  constructor(store: string) {
    super(
      'TRANSACTION_CONFLICT',
      `Store ${store} was written outside the transaction while it held the store; nothing was committed`,
    )
    this.store = store
  }
}

/**
 * Two transactions each waited for a store the other holds. The transaction that closed
 * the cycle gets this error (and rolls back, unless it catches it); the other proceeds.
 *
 * @example
 * ```ts
 * await transaction(fn).catch((e) => e instanceof TransactionDeadlockError && transaction(fn))
 * ```
 */
export class TransactionDeadlockError extends ActionsError {
  /** Label of the store whose lock would have closed the cycle. */
  readonly store: string
  /** @param store - label of the store */
  constructor(store: string) {
    super('TRANSACTION_DEADLOCK', `Waiting for store ${store} would deadlock with another transaction`)
    this.store = store
  }
}

/**
 * `tx.set` / `tx.update` / `tx.onRollback` was called after the transaction committed or
 * rolled back (typically a forgotten `await`).
 *
 * @example
 * ```ts
 * let saved!: Tx
 * await transaction(async (tx) => { saved = tx })
 * saved.set(count, 1) // rejects with TransactionClosedError
 * ```
 */
export class TransactionClosedError extends ActionsError {
  constructor() {
    super(
      'TRANSACTION_CLOSED',
      'The transaction has already finished; writes after commit/rollback are refused',
    )
  }
}

/**
 * The transaction failed AND one or more `tx.onRollback` compensation steps failed too.
 * `cause` is the original failure; `errors` are the compensation failures, in the order
 * they ran (reverse registration order).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof CompensationError) alertOps(e.cause, e.errors) }
 * ```
 */
export class CompensationError extends ActionsError {
  /** Failures of the compensation steps. */
  readonly errors: readonly unknown[]
  /**
   * @param cause - why the transaction failed
   * @param errors - failures of compensation steps
   */
  constructor(cause: unknown, errors: readonly unknown[]) {
    super(
      'COMPENSATION_FAILED',
      `Transaction failed (${cause instanceof Error ? cause.message : String(cause)}) and ${errors.length} compensation step(s) failed too`,
      { cause },
    )
    this.errors = errors
  }
}

/**
 * A state machine received an event it does not accept in its current state, or whose
 * guard refused it. The machine's state is unchanged.
 *
 * @example
 * ```ts
 * try { fetcher.send({ type: 'SUCCESS', data }) } catch (e) { if (e instanceof InvalidTransitionError) … }
 * ```
 */
export class InvalidTransitionError extends ActionsError {
  /** The machine's state when the event arrived. */
  readonly state: string
  /** The event type. */
  readonly event: string
  /** `'no-transition'` or `'guard'`. */
  readonly reason: 'no-transition' | 'guard'
  /**
   * @param machine - machine name, for the message
   * @param state - the current state
   * @param event - the event type
   * @param reason - why it was refused
   */
  constructor(machine: string, state: string, event: string, reason: 'no-transition' | 'guard') {
    super(
      'INVALID_TRANSITION',
      reason === 'guard'
        ? `Machine "${machine}": guard refused event "${event}" in state "${state}"`
        : `Machine "${machine}": state "${state}" has no transition for event "${event}"`,
    )
    this.state = state
    this.event = event
    this.reason = reason
  }
}

/**
 * `reset.run()` was called while the same coordinated reset was still running.
 *
 * @example
 * ```ts
 * const a = logout.run(); await logout.run().catch((e) => e.code) // 'RESET_IN_PROGRESS'
 * ```
 */
export class ResetInProgressError extends ActionsError {
  /** @param name - the coordinated reset's name */
  constructor(name: string) {
    super('RESET_IN_PROGRESS', `Reset "${name}" is already running; re-entry is blocked until it finishes`)
  }
}

/**
 * The steps of a coordinated reset declare a dependency cycle or an unknown dependency.
 *
 * @example
 * ```ts
 * coordinatedReset({ a: { dependsOn: ['b'], reset }, b: { dependsOn: ['a'], reset } }) // throws
 * ```
 */
export class ResetCycleError extends ActionsError {
  /** @param detail - the offending step names */
  constructor(detail: string) {
    super('RESET_DEPENDENCIES', `Reset steps have invalid dependencies: ${detail}`)
  }
}

/**
 * One or more steps of a coordinated reset failed. Every other step still ran (a failed
 * server logout must not leave the client logged in); `errors` lists the failures by step.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ResetError) console.log(e.failures.map((f) => f.step)) }
 * ```
 */
export class ResetError extends ActionsError {
  /** Which steps failed and why. */
  readonly failures: ReadonlyArray<{ step: string; error: unknown }>
  /**
   * @param name - the reset's name
   * @param failures - failed steps
   */
  constructor(name: string, failures: ReadonlyArray<{ step: string; error: unknown }>) {
    super(
      'RESET_FAILED',
      `Reset "${name}": step(s) ${failures.map((f) => f.step).join(', ')} failed; all other steps ran`,
    )
    this.failures = failures
  }
}

/**
 * Saved session data could not be restored: it is not valid JSON, or it fails the
 * schema. Nothing was restored and the saved data was left in storage untouched.
 *
 * @example
 * ```ts
 * const r = await session.recover()
 * if (!r.ok) console.log(r.error.code) // 'RECOVERY_CORRUPT' | 'RECOVERY_INVALID'
 * ```
 */
export class RecoveryError extends ActionsError {
  /** The storage key that was read. */
  readonly key: string
  /** Schema issues, when the failure is a validation failure. */
  readonly issues: ReadonlyArray<StandardSchemaV1.Issue>
  /**
   * @param code - `'RECOVERY_CORRUPT'` or `'RECOVERY_INVALID'`
   * @param key - storage key
   * @param detail - what was wrong
   * @param issues - schema issues, if any
   * @param cause - underlying error, if any
   */
  constructor(
    code: 'RECOVERY_CORRUPT' | 'RECOVERY_INVALID',
    key: string,
    detail: string,
    issues: ReadonlyArray<StandardSchemaV1.Issue> = [],
    cause?: unknown,
  ) {
    super(
      code,
      `Session data at "${key}" was not restored: ${detail}`,
      cause === undefined ? undefined : { cause },
    )
    this.key = key
    this.issues = issues
  }
}
