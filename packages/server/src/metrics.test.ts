import { describe, expect, it } from 'vitest'
import { MetricsRegistry } from './metrics.js'

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const r = new MetricsRegistry()
    const c = r.counter('x_total', 'Xs')
    c.inc()
    c.inc(2, { kind: 'a"b' })
    let live = 7
    r.gauge('conns', 'Connections', () => live)
    const h = r.histogram('lat_seconds', 'Latency', [0.01, 0.1])
    h.observe(0.005)
    h.observe(0.05)
    h.observe(5)
    live = 8
    const text = r.render()
    expect(text).toContain('# TYPE x_total counter\nx_total 1\nx_total{kind="a\\"b"} 2')
    expect(text).toContain('# TYPE conns gauge\nconns 8')
    expect(text).toContain(
      'lat_seconds_bucket{le="0.01"} 1\nlat_seconds_bucket{le="0.1"} 2\nlat_seconds_bucket{le="+Inf"} 3',
    )
    expect(text).toContain('lat_seconds_count 3')
    expect(text.endsWith('\n')).toBe(true)
  })
})
