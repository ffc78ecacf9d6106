/**
 * Typed errors of @strata/store. Every error carries a stable `code` and names what
 * failed and where (event name, field path, table, file), so callers can branch on
 * `code` and users can read the message.
 */

/**
 * Base class of every error thrown by @strata/store.
 * @example
 * try { store.commit(ev) } catch (e) { if (e instanceof StoreError) console.log(e.code) }
 */
export class StoreError extends Error {
  /** Stable machine-readable code, e.g. `'event_invalid'`. */
  readonly code: string
  /**
   * @param code stable machine-readable code
   * @param message human-readable explanation naming what and where
   * @param options standard error options (`cause`)
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * One problem found by a Standard Schema validator, with the field path as a string.
 * @example
 * const issue: ValidationIssue = { path: 'settings.memoryRetention', message: 'Too big' }
 */
export interface ValidationIssue {
  /** Dotted field path (`'settings.memoryRetention'`), `''` for the payload itself. */
  readonly path: string
  readonly message: string
}

/**
 * An event payload failed its schema. Thrown by `commit` before anything is written.
 * @example
 * try { store.commit(events.todoCreated({ id: 1 as never, title: '' })) }
 * catch (e) { if (e instanceof EventValidationError) console.log(e.eventName, e.field) }
 */
export class EventValidationError extends StoreError {
  /** The versioned event name, e.g. `'v1.TodoCreated'`. */
  readonly eventName: string
  /** The first failing field path (`''` when the payload itself is wrong). */
  readonly field: string
  /** Every issue the validator reported. */
  readonly issues: readonly ValidationIssue[]
  /**
   * @param eventName the event whose payload failed
   * @param issues the validator's issues
   */
  constructor(eventName: string, issues: readonly ValidationIssue[]) {
    const first = issues[0]
    const field = first?.path ?? ''
    super(
      'event_invalid',
      `Event "${eventName}" has an invalid payload${field ? ` at "${field}"` : ''}: ${first?.message ?? 'invalid'}`,
    )
    this.eventName = eventName
    this.field = field
    this.issues = issues
  }
}

/**
 * An event name that the schema does not define was committed or received.
 * @example
 * store.commit({ name: 'v9.Nope', args: {} }) // throws UnknownEventError
 */
export class UnknownEventError extends StoreError {
  readonly eventName: string
  /** @param eventName the unknown name */
  constructor(eventName: string) {
    super('event_unknown', `Unknown event "${eventName}": it is not defined in the store schema`)
    this.eventName = eventName
  }
}

/**
 * A materializer threw. The whole commit was rolled back; the store stays usable.
 * @example
 * try { store.commit(ev) } catch (e) { if (e instanceof MaterializerError) console.log(e.eventName, e.cause) }
 */
export class MaterializerError extends StoreError {
  readonly eventName: string
  /**
   * @param eventName the event whose materializer failed
   * @param cause the thrown value
   */
  constructor(eventName: string, cause: unknown) {
    super(
      'materializer_failed',
      `Materializer for "${eventName}" failed; the commit was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
    this.eventName = eventName
  }
}

/**
 * The schema given to `makeSchema`/`table`/`createStore` is inconsistent.
 * @example
 * table('t', { a: Column.text() }) // throws SchemaError: no primary key
 */
export class SchemaError extends StoreError {
  /** @param message what is wrong and where */
  constructor(message: string) {
    super('schema_invalid', message)
  }
}

/**
 * A query could not be built or run (unknown column, bad operator, SQL error).
 * @example
 * todos.where('nope' as never, '=', 1) // throws QueryError
 */
export class QueryError extends StoreError {
  /**
   * @param message what is wrong
   * @param options cause
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('query_invalid', message, options)
  }
}

/**
 * The store was used after `close()`.
 * @example
 * store.close(); store.commit(ev) // throws StoreClosedError
 */
export class StoreClosedError extends StoreError {
  /** @param storeId the closed store */
  constructor(storeId: string) {
    super('store_closed', `Store "${storeId}" is closed`)
  }
}

/**
 * A database file is not a valid SQLite database (or fails its integrity check).
 * When only the state file is damaged the store moves it aside and rebuilds from the
 * log, reporting this in `store.boot`; when the event log itself is damaged it throws.
 * @example
 * try { await createStore(opts) } catch (e) { if (e instanceof StoreCorruptError) console.log(e.file, e.movedTo) }
 */
export class StoreCorruptError extends StoreError {
  readonly file: string
  readonly movedTo: string | undefined
  /**
   * @param file the damaged file
   * @param movedTo where the damaged file was kept
   * @param cause the SQLite error
   */
  constructor(file: string, movedTo: string | undefined, cause: unknown) {
    super(
      'store_corrupt',
      `Database file "${file}" is corrupt${movedTo ? ` (kept aside as "${movedTo}")` : ''}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    )
    this.file = file
    this.movedTo = movedTo
  }
}

/**
 * The sync server refused a pending event; it was removed and the rest rebased.
 * Delivered through `store.onRejection`.
 * @example
 * store.onRejection((e) => console.warn(e.eventName, e.seq, e.reason))
 */
export class EventRejectedError extends StoreError {
  readonly eventName: string
  readonly seq: number
  readonly reason: string
  /**
   * @param eventName the refused event
   * @param seq its client sequence number
   * @param reason the server's reason
   */
  constructor(eventName: string, seq: number, reason: string) {
    super('event_rejected', `Event "${eventName}" (seq ${seq}) was rejected: ${reason}`)
    this.eventName = eventName
    this.seq = seq
    this.reason = reason
  }
}

/**
 * A collection document does not exist.
 * @example
 * await projects.update('missing', { title: 'x' }) // throws DocumentNotFoundError
 */
export class DocumentNotFoundError extends StoreError {
  readonly collection: string
  readonly id: string
  /**
   * @param collection the collection name
   * @param id the missing document id
   */
  constructor(collection: string, id: string) {
    super('document_not_found', `Document "${id}" not found in collection "${collection}"`)
    this.collection = collection
    this.id = id
  }
}

/**
 * A collection document (or patch result) failed the collection's schema.
 * @example
 * projects.create({ title: 42 } as never) // throws DocumentValidationError naming "title"
 */
export class DocumentValidationError extends StoreError {
  readonly collection: string
  readonly field: string
  readonly issues: readonly ValidationIssue[]
  /**
   * @param collection the collection name
   * @param issues validator issues
   */
  constructor(collection: string, issues: readonly ValidationIssue[]) {
    const first = issues[0]
    const field = first?.path ?? ''
    super(
      'document_invalid',
      `Document for collection "${collection}" is invalid${field ? ` at "${field}"` : ''}: ${first?.message ?? 'invalid'}`,
    )
    this.collection = collection
    this.field = field
    this.issues = issues
  }
}
