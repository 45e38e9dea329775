/**
 * The pipeline's output bucket, as the original solution's `EncryptedBucket` made it, with its access-log bucket:
 * both encrypted at rest (SSE-S3), TLS-only, with every public access blocked, no fixed names, and kept when the stack
 * is deleted (they hold the data). The output bucket logs its requests to the log bucket and has the original's
 * lifecycle rules: incomplete multipart uploads are aborted after 7 days, objects move to Intelligent-Tiering after 1.
 */
import { LIMITS } from '@streamkit/core';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { checkRange } from '../validate.ts';

export interface EncryptedBucketProps {
  /**
   * When incomplete multipart uploads are aborted.
   * @default Duration.days(7)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * When objects move to S3 Intelligent-Tiering.
   * @default Duration.days(1)
   */
  readonly intelligentTieringAfter?: Duration;
  /**
   * What happens to both buckets when the stack is deleted (S3 refuses to delete a bucket that holds objects).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class EncryptedBucket extends Construct {
  /** Where the data goes. */
  readonly bucket: s3.Bucket;
  /** Receives the server access logs of `bucket`. */
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps = {}) {
    super(scope, id);
    const S = LIMITS.s3;
    const abortAfter =
      props.abortIncompleteMultipartUploadAfter ?? Duration.days(S.abortIncompleteMultipartUploadDays.default);
    const tieringAfter = props.intelligentTieringAfter ?? Duration.days(S.intelligentTieringDays.default);
    checkRange(this, 'abortIncompleteMultipartUploadAfter', S.abortIncompleteMultipartUploadDays, abortAfter.toDays());
    checkRange(this, 'intelligentTieringAfter', S.intelligentTieringDays, tieringAfter.toDays());
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      // Server access logs can only be delivered to a bucket encrypted with SSE-S3, so both use it.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    } as const;
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', common);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      serverAccessLogsBucket: this.accessLogBucket,
      lifecycleRules: [
        { id: 'multipart-upload-rule', enabled: true, abortIncompleteMultipartUploadAfter: abortAfter },
        {
          id: 'intelligent-tiering-rule',
          enabled: true,
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: tieringAfter }],
        },
      ],
    });
  }
}
