/**
 * A minimal Prometheus registry (counters, gauges, histograms) rendered in the text
 * exposition format for `GET /metrics`. Small on purpose: the server needs a handful of
 * series, not a metrics library.
 */

type Labels = Record<string, string>

function labelKey(labels: Labels | undefined): string {
  if (!labels) return ''
  const parts = Object.keys(labels)
    .sort()
    .map(
      (k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
  return parts.length ? `{${parts.join(',')}}` : ''
}

interface Metric {
  render(): string
}

/**
 * A monotonically increasing counter.
 *
 * @example
 * ```ts
 * const c = registry.counter('strata_events_in_total', 'Events accepted')
 * c.inc(3)
 * ```
 */
export class Counter implements Metric {
  private readonly values = new Map<string, number>()
  /**
   * @param name - metric name
   * @param help - one-line description
   */
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** Adds `n` (default 1). @param n - amount @param labels - label set */
  inc(n = 1, labels?: Labels): void {
    const k = labelKey(labels)
    this.values.set(k, (this.values.get(k) ?? 0) + n)
  }
  /** @returns the current value for a label set */
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    if (this.values.size === 0) lines.push(`${this.name} 0`)
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${v}`)
    return lines.join('\n')
  }
}

/**
 * A value that goes up and down, or is computed when scraped.
 *
 * @example
 * ```ts
 * registry.gauge('strata_connections', 'Open sockets', () => sessions.size)
 * ```
 */
export class Gauge implements Metric {
  private value = 0
  /**
   * @param name - metric name
   * @param help - one-line description
   * @param collect - computes the value at scrape time
   */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect?: () => number,
  ) {}
  /** @param v - the new value */
  set(v: number): void {
    this.value = v
  }
  /** @returns the current value */
  get(): number {
    return this.collect ? this.collect() : this.value
  }
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${this.get()}`,
    ].join('\n')
  }
}

/**
 * A histogram with fixed buckets (seconds for latencies, by Prometheus convention).
 *
 * @example
 * ```ts
 * const h = registry.histogram('strata_push_duration_seconds', 'Push latency', [0.001, 0.01, 0.1])
 * h.observe(0.004)
 * ```
 */
export class Histogram implements Metric {
  private readonly counts: number[]
  private sum = 0
  private count = 0
  /**
   * @param name - metric name
   * @param help - one-line description
   * @param buckets - upper bounds, ascending
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0)
  }
  /** @param v - one observation */
  observe(v: number): void {
    this.sum += v
    this.count++
    for (let i = 0; i < this.buckets.length; i++)
      if (v <= (this.buckets[i] as number)) this.counts[i] = (this.counts[i] as number) + 1
  }
  /** @returns number of observations */
  total(): number {
    return this.count
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (let i = 0; i < this.buckets.length; i++)
      lines.push(`${this.name}_bucket{le="${this.buckets[i]}"} ${this.counts[i]}`)
    lines.push(
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    )
    return lines.join('\n')
  }
}

/**
 * Holds the metrics of one server and renders them for scraping.
 *
 * @example
 * ```ts
 * const registry = new MetricsRegistry()
 * const pushes = registry.counter('strata_pushes_total', 'Push requests')
 * res.end(registry.render())
 * ```
 */
export class MetricsRegistry {
  private readonly metrics: Metric[] = []
  /** @returns a new registered counter @param name - name @param help - description */
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help))
  }
  /** @returns a new registered gauge @param name - name @param help - description @param collect - scrape-time value */
  gauge(name: string, help: string, collect?: () => number): Gauge {
    return this.add(new Gauge(name, help, collect))
  }
  /** @returns a new registered histogram @param name - name @param help - description @param buckets - bounds */
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, buckets))
  }
  /** @returns the Prometheus text exposition of every metric */
  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m)
    return m
  }
}
