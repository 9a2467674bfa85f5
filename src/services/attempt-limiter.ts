/**
 * Counts attempts per key (an address) in fixed one-minute windows: the limit for requests that
 * carry no token or a token that is not accepted. Counted after the fact, so each failure costs
 * the guesser one of a small budget, and once it is spent the address is refused before any
 * token is even looked up. In memory, per process: a shared limit across processes would need a
 * shared store, which a guesser spreading over several instances could only multiply by their
 * number.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(max: number, windowMs = 60_000, now: () => number = Date.now) {
    this.max = max;
    this.windowMs = windowMs;
    this.now = now;
  }

  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    const now = this.now();
    if (window.resetAt <= now) {
      this.windows.delete(key);
      return 0;
    }
    return window.count >= this.max ? Math.ceil((window.resetAt - now) / 1000) : 0;
  }

  record(key: string): void {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      // Bounded memory: past a size, drop every expired window before adding one.
      if (this.windows.size >= 50_000) {
        for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      }
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    } else {
      window.count += 1;
    }
  }
}
