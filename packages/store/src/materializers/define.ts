/**
 * Materializer types: one deterministic function per event name that turns a validated
 * payload into writes through {@link MaterializerContext}. Runs inside the commit's
 * SQLite transaction; a throw rolls the whole commit back.
 */
import type { AnyEventDef } from '../events/define.js'
import type { MaterializerContext } from './writer.js'

/**
 * The validated payload type of an event definition.
 * @example
 * type Payload = OutOf<typeof events.todoCreated> // { id: string; title: string }
 */
export type OutOf<D> = D extends { readonly __out?: infer O } ? O : never

/**
 * A materializer for payload `A`.
 * @example
 * const created: Materializer<{ id: string }> = ({ id }, db) => db.insert(todos, { id, title: '' })
 */
export type Materializer<A> = (args: A, db: MaterializerContext) => void

/** A materializer whose payload type was erased (stored in the schema). */
export type AnyMaterializer = (args: never, db: MaterializerContext) => void

/**
 * The materializers an events record requires: exactly one per event name.
 * @example
 * const m: MaterializersFor<typeof events> = { 'v1.TodoCreated': (a, db) => db.insert(todos, a) }
 */
export type MaterializersFor<E extends Record<string, AnyEventDef>> = {
  [D in E[keyof E] as D['eventName']]: Materializer<OutOf<D>>
}
