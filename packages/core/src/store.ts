/**
 * The store side of the graph, all defined in `system.ts` and re-exported here: the one
 * node class `ReactiveNode` carries the store contract (`update`, `subscribe`, `listen`
 * beside `get`/`peek`/`set`), so every signal, computed, map store and effect node is an
 * instance of it and every graph access site stays monomorphic (decision 0002);
 * `node()` creates a source or computed with its options; `isStore` tests for the class.
 * Subscribing is an ordinary effect, so listeners run in the same glitch-free flush as
 * every other effect.
 */

// `Store` is internal (the runtime class of every node); the API exposes only interfaces.
export { isStore, node, ReactiveNode as Store } from './system.js'
