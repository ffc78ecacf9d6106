// Types of the case modules (plain JS so the harness runs without a TypeScript step).
import type { Adapter } from '../adapters/index.d.mts'

/** How big a run is. */
export interface Scale {
  /** kairo passes timed per sample */
  kairoLoops: number
  /** cellx graphs built (and their update timed) per sample */
  cellxBuilds: number
  /** share of the upstream iteration count run per dynamic-graph sample (at least 20) */
  dynamicFactor: number
  /** shrink the graphs (cellx layers; dynamic width and depth) to at most these, or null */
  cap: { cellxLayers: number; width: number; totalLayers: number } | null
  /** untimed samples before the timed ones, per case kind */
  warmup: Record<'kairo' | 'cellx' | 'dynamic', number>
  /** timed samples per case kind */
  samples: Record<'kairo' | 'cellx' | 'dynamic', number>
}

/** A prepared case: sample() runs and checks one timed unit, returning milliseconds. */
export interface Prepared {
  sample(): number
  dispose(): void
}

/** One workload. prepare() builds its graph in the given system. */
export interface Case {
  name: string
  kind: 'kairo' | 'cellx' | 'dynamic'
  prepare(adapter: Adapter, scale: Scale): Prepared
}

export declare class CheckError extends Error {}
export declare const cases: readonly Case[]
export declare const scales: Record<'full' | 'quick' | 'tiny', Scale>

/** One dynamic-graph configuration of js-reactivity-benchmark. */
export interface GraphConfig {
  width: number
  totalLayers: number
  staticFraction: number
  nSources: number
  readFraction: number
  iterations: number
}

/** What one run of a dynamic graph must produce. */
export interface RunResult {
  sum: number
  count: number
  effectRuns: number
}

export declare const graphConfigs: readonly GraphConfig[]
export declare function graphTitle(config: GraphConfig): string
export declare function dynamicIterations(config: GraphConfig, scale: Scale): number
export declare function referenceRuns(config: GraphConfig, iterations: number, runs: number): RunResult[]
export declare function precomputedRuns(): Record<string, RunResult[]>
export declare function cellxLayers(
  start: [number, number, number, number],
  layers: number,
): [number, number, number, number][]
