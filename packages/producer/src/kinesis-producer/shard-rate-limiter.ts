/**
 * Keeps what one producer sends to one shard under the shard's write limits in every one-second window: at most
 * `maxRecords` Kinesis records and `maxBytes` bytes (data plus partition key) sent in any second. A sliding window
 * rather than the KPL's token bucket, whose full bucket lets a burst plus a second's refill through in one second:
 * here no window of a second ever holds more than the limit, which is what "stays under the shard limits" means.
 *
 * A record is reserved when it joins a PutRecords batch (`take`) and stamped with the time the batch is sent
 * (`commit`); reserved records count in full until then. The window counts sends, not arrivals at Kinesis, so network
 * jitter can still bunch records slightly.
 */

export const RATE_WINDOW_MS = 1000;

export class ShardRateLimiter {
  private readonly times: number[] = [];
  private readonly records: number[] = [];
  private readonly bytes: number[] = [];
  private head = 0;
  /** Entries from here on are reserved, not sent yet. */
  private pending = 0;
  private usedRecords = 0;
  private usedBytes = 0;

  constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
  ) {}

  /**
   * The earliest time, `now` or later, at which a send of `records` and `bytes` fits in the window; Infinity when only
   * sending the reserved records can make room (their window starts when they are sent). A send larger than the whole
   * budget (say, a 1 MiB record under a 50 % rate limit) fits once the window is empty.
   */
  availableAt(now: number, records: number, bytes: number): number {
    this.expire(now);
    let usedRecords = this.usedRecords;
    let usedBytes = this.usedBytes;
    if (this.fits(usedRecords, usedBytes, records, bytes)) return now;
    for (let i = this.head; i < this.pending; i++) {
      usedRecords -= this.records[i]!;
      usedBytes -= this.bytes[i]!;
      if (this.fits(usedRecords, usedBytes, records, bytes)) return this.times[i]! + RATE_WINDOW_MS;
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Reserves a send of `records` and `bytes`. */
  take(records: number, bytes: number): void {
    this.times.push(Number.POSITIVE_INFINITY);
    this.records.push(records);
    this.bytes.push(bytes);
    this.usedRecords += records;
    this.usedBytes += bytes;
  }

  /** Stamps every reserved send with `now`, the time it went out. */
  commit(now: number): void {
    for (let i = this.pending; i < this.times.length; i++) this.times[i] = now;
    this.pending = this.times.length;
  }

  /** Records and bytes sent or reserved in the window ending at `now`. */
  used(now: number): { records: number; bytes: number } {
    this.expire(now);
    return { records: this.usedRecords, bytes: this.usedBytes };
  }

  private fits(usedRecords: number, usedBytes: number, records: number, bytes: number): boolean {
    if (usedRecords === 0) return true;
    return usedRecords + records <= this.maxRecords && usedBytes + bytes <= this.maxBytes;
  }

  private expire(now: number): void {
    const cutoff = now - RATE_WINDOW_MS;
    while (this.head < this.pending && this.times[this.head]! <= cutoff) {
      this.usedRecords -= this.records[this.head]!;
      this.usedBytes -= this.bytes[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.records.splice(0, this.head);
      this.bytes.splice(0, this.head);
      this.pending -= this.head;
      this.head = 0;
    }
  }
}
