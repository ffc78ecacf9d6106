/**
 * The committed-event record: what is persisted, pushed to the sync server and streamed
 * back. Shared contract with @strata/sync and @strata/server (docs: STORE-SYNC seam).
 */

/**
 * A committed event.
 * @example
 * const rec: EventRecord = { name: 'v1.TodoCreated', args: { id: 't1' }, clientId: 'c1', seq: 1 }
 */
export interface EventRecord {
  /** Versioned event name, e.g. `'v1.TodoCreated'`. */
  readonly name: string
  /** Validated payload (JSON-serialisable). */
  readonly args: unknown
  /** The client that committed it. */
  readonly clientId: string
  /** Per-client sequence number, 1, 2, 3… gap-free per clientId per storeId. */
  readonly seq: number
  /** Global sequence assigned by the server; absent while pending. */
  readonly gseq?: number
  /** Commit time (ms), informational only; materializers must not read clocks. */
  readonly ts?: number
}
