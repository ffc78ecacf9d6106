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
