/**
 * A durable local stand-in for the SQS queue an event source mapping sends discarded batches to.
 *
 * Each message is one line of JSON in `<dir>/<queue>.jsonl`, exactly the body Lambda would send to SQS (for Kinesis:
 * a `KinesisBatchFailureRecord`). `send` resolves only after the line is fsynced, so a record is never acknowledged
 * as dead-lettered before it is on disk. A torn last line (a crash mid-write) is skipped when reading.
 */
import { channel } from 'node:diagnostics_channel';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { arn, LOCAL_REGION } from '@streamkit/core';

/** `streamkit:sqs:send` — one message per message sent to a local queue. */
export const sqsSendChannel = channel('streamkit:sqs:send');

export class DeadLetterQueue<Body = unknown> {
  readonly queueName: string;
  readonly queueArn: string;
  readonly file: string;
  private fd: number | undefined;

  constructor(options: { queueName: string; dir: string; region?: string }) {
    this.queueName = options.queueName;
    this.queueArn = arn.queue(options.queueName, options.region ?? LOCAL_REGION);
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, `${options.queueName}.jsonl`);
  }

  /** Appends a message durably. */
  send(body: Body): void {
    this.fd ??= openSync(this.file, 'a');
    writeSync(this.fd, `${JSON.stringify(body)}\n`);
    fsyncSync(this.fd);
    if (sqsSendChannel.hasSubscribers) sqsSendChannel.publish({ queueName: this.queueName, body });
  }

  /** Every message, oldest first. */
  messages(): Body[] {
    if (!existsSync(this.file)) return [];
    const out: Body[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as Body);
      } catch {
        // A line torn by a crash mid-append: it was never acknowledged, so skipping it loses nothing.
      }
    }
    return out;
  }

  /** ApproximateNumberOfMessagesVisible, for the DLQ alarm. */
  get depth(): number {
    return this.messages().length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
