// Types of the adapter interface every system implements (the modules are plain JS so the
// harness runs without a TypeScript step; these declarations let TS tests import them).

/** A readable reactive value as the cases see it. */
export interface Readable<T> {
  read(): T
}

/** A writable source signal. */
export interface Writable<T> extends Readable<T> {
  write(value: T): void
}

/** One reactive system behind the same small interface. */
export interface Adapter {
  /** system name as printed in the table */
  name: string
  /** set while the adapter runs another system in this one's place */
  standIn?: string
  signal<T>(initial: T): Writable<T>
  computed<T>(fn: () => T): Readable<T>
  /** create an effect owned by the root being built */
  effect(fn: () => void): void
  batch(fn: () => void): void
  /** build a graph; dispose() stops every effect created inside */
  root<T>(fn: () => T): { result: T; dispose(): void }
  /** the system's own node objects, for the memory-per-node measurement */
  native: {
    signal(value: number): unknown
    computed(source: never): unknown
  }
}

export declare const systems: readonly string[]
export declare function loadAdapter(name: string): Promise<{ adapter: Adapter; bundleEntry: string }>
