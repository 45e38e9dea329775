/**
 * API Gateway stage throttling: a token bucket holding up to `burstLimit` requests, refilled at `rateLimit`
 * requests per second. A request that finds the bucket empty is answered 429 Too Many Requests.
 * As in API Gateway, a burst limit of 0 lets no request through.
 */

export interface TokenBucketOptions {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Largest number of requests accepted at once. */
  readonly burstLimit: number;
  /** Clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

export class TokenBucket {
  private readonly rateLimit: number;
  private readonly burstLimit: number;
  private readonly now: () => number;
  private tokens: number;
  private refilledAt: number;

  constructor(options: TokenBucketOptions) {
    this.rateLimit = options.rateLimit;
    this.burstLimit = options.burstLimit;
    this.now = options.now ?? Date.now;
    this.tokens = options.burstLimit;
    this.refilledAt = this.now();
  }

  /** Takes one token; false when the request must be throttled. */
  tryTake(): boolean {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burstLimit, this.tokens + (elapsed * this.rateLimit) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
