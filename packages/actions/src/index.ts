/**
 * @strata/actions — public entry point. This file only re-exports; each concept lives in
 * its own module beside its test.
 * @packageDocumentation
 */
export * from './errors.js'
export { ActionRegistry, createActions } from './registry/registry.js'
export type {
  ActionConfig,
  ActionController,
  ActionHandler,
  ActionName,
  DispatchOptions,
  DispatchResult,
  ExecutionMode,
  HandlerOptions,
  PayloadArgs,
  RegistryOptions,
  ResultOf,
} from './registry/types.js'
export { type ValidationOutcome, validateWith } from './schema.js'
export { type History, type HistoryOptions, history } from './history/history.js'
export {
  createMachine,
  type Machine,
  type MachineConfig,
  type MachineEvent,
  type MachineSnapshot,
  type Transition,
} from './machine/machine.js'
export { type Mutation, type Optimistic, optimistic, type PendingOperation } from './optimistic/optimistic.js'
export {
  type RecoverResult,
  type SessionRecovery,
  type SessionRecoveryOptions,
  type SessionStatus,
  type SessionStorageLike,
  sessionRecovery,
} from './recovery/session-recovery.js'
export {
  type CoordinatedReset,
  type CoordinatedResetOptions,
  coordinatedReset,
  type ResetStep,
} from './reset/coordinated-reset.js'
export { type Resettable, type ResettableStore, resettable } from './reset/resettable.js'
export { type TransactionOptions, type Tx, transaction } from './transaction/transaction.js'
