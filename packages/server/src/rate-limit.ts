/**
 * A token bucket: `rate` tokens per second, at most `burst` saved up. Used per
 * connection for frames and per client address for HTTP requests.
 */

/**
 * Token bucket rate limiter.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(100, 200)
 * if (!bucket.take()) reply({ t: 'error', code: 'rate_limited', message: 'slow down' })
 * ```
 */
export class TokenBucket {
  private tokens: number
  private last: number
  /**
   * @param rate - tokens added per second
   * @param burst - bucket capacity
   * @param now - clock (ms), injectable for tests
   */
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst
    this.last = now()
  }
  /**
   * Takes `n` tokens if available.
   * @param n - cost
   * @returns whether the request is allowed
   */
  take(n = 1): boolean {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate)
    this.last = t
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }
}
