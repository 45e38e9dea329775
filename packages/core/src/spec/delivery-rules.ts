/**
 * The rules that tie the settings of a Firehose delivery stream to S3 together (the `delivery` section), shared by
 * every preset with one (kinesis-firehose-s3, msk-lambda-firehose-s3). They are AWS's: the delivery stream would fail to
 * create otherwise. Each is reported with the field, what is allowed and what was received.
 */
import type { z } from 'zod';
import { partitionKeysOfQuery } from '../firehose/metadata-extraction-query.ts';
import { hasExpressions, type PrefixPart, parsePrefix, prefixPartitionKeys, uses } from '../firehose/prefix.ts';
import { type CompressionFormat, describeRange, LIMITS } from '../limits.ts';
import type { deliverySection } from './delivery.ts';
import { show } from './fields.ts';

const F = LIMITS.firehose;

type DeliveryInput = z.output<typeof deliverySection>;

/** Checks `delivery` (found at the spec's `delivery`) and reports each broken rule. */
export function checkDelivery(delivery: DeliveryInput, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: ['delivery', ...path.split('.')], message });
  const dp = delivery.dynamicPartitioning;
  const conversion = delivery.dataFormatConversion;

  // Buffering: dynamic partitioning and format conversion need large buffers; dynamic partitioning has no zero buffering.
  const largeBufferBecause = [
    dp.enabled && 'dynamicPartitioning.enabled',
    conversion.enabled && 'dataFormatConversion.enabled',
  ].filter(Boolean);
  const { sizeInMBs, intervalInSeconds } = delivery.bufferingHints;
  if (largeBufferBecause.length > 0 && sizeInMBs !== undefined && sizeInMBs < F.bufferingSizeWithPartitioning.min) {
    issue(
      'bufferingHints.sizeInMBs',
      `must be ${describeRange(F.bufferingSizeWithPartitioning)} when ${largeBufferBecause.join(' and ')} ${largeBufferBecause.length > 1 ? 'are' : 'is'} true (got ${sizeInMBs})`,
    );
  }
  if (dp.enabled && intervalInSeconds !== undefined && intervalInSeconds < F.bufferingIntervalWithPartitioning.min) {
    issue(
      'bufferingHints.intervalInSeconds',
      `must be ${describeRange(F.bufferingIntervalWithPartitioning)} when dynamicPartitioning.enabled is true; zero buffering is not available with dynamic partitioning (got ${intervalInSeconds})`,
    );
  }

  // Parquet files are compressed inside; the S3 object itself must not be.
  if (conversion.enabled && delivery.compression !== undefined && delivery.compression !== 'UNCOMPRESSED') {
    issue(
      'compression',
      `must be UNCOMPRESSED when dataFormatConversion.enabled is true; Parquet files compress their pages themselves (dataFormatConversion.compression: ${F.parquetCompression.values.join(', ')}) (got ${show(delivery.compression)})`,
    );
  }
  if (!conversion.enabled && conversion.columns.length > 0) {
    issue('dataFormatConversion.columns', 'apply only when dataFormatConversion.enabled is true');
  }
  if (conversion.enabled && conversion.columns.length === 0) {
    issue(
      'dataFormatConversion.columns',
      'must list at least one column ({name, type}) when dataFormatConversion.enabled is true',
    );
  }

  // Prefixes (AWS's semantic rules for Prefix and ErrorOutputPrefix).
  const prefix = parsed(delivery.prefix);
  const errorPrefix = parsed(delivery.errorOutputPrefix);
  if (uses(prefix, 'error-output-type')) {
    issue(
      'prefix',
      `must not contain !{firehose:error-output-type}, which only errorOutputPrefix may use (got ${show(delivery.prefix)})`,
    );
  }
  if (delivery.errorOutputPrefix === '' && hasExpressions(prefix)) {
    issue('errorOutputPrefix', `is required when delivery.prefix has expressions (got "")`);
  }
  if (hasExpressions(errorPrefix) && !uses(errorPrefix, 'error-output-type')) {
    issue(
      'errorOutputPrefix',
      `must contain !{firehose:error-output-type} when it has expressions (got ${show(delivery.errorOutputPrefix)})`,
    );
  }
  const errorKeys = [
    ...prefixPartitionKeys(errorPrefix, 'partitionKeyFromQuery'),
    ...prefixPartitionKeys(errorPrefix, 'partitionKeyFromLambda'),
  ];
  if (errorKeys.length > 0) {
    issue(
      'errorOutputPrefix',
      `cannot use partition keys (records there failed before their keys were known) (got ${show(delivery.errorOutputPrefix)})`,
    );
  }

  // Dynamic partitioning: keys come from the jq query (partitionKeyFromQuery) or the processor (partitionKeyFromLambda).
  const queryKeys = prefixPartitionKeys(prefix, 'partitionKeyFromQuery');
  const lambdaKeys = prefixPartitionKeys(prefix, 'partitionKeyFromLambda');
  if (!dp.enabled) {
    if (queryKeys.length + lambdaKeys.length > 0) {
      const used = [
        ...queryKeys.map((k) => `!{partitionKeyFromQuery:${k}}`),
        ...lambdaKeys.map((k) => `!{partitionKeyFromLambda:${k}}`),
      ];
      issue('prefix', `uses ${used.join(', ')}, which needs dynamicPartitioning.enabled: true (got false)`);
    }
    if (dp.metadataExtractionQuery !== undefined) {
      issue('dynamicPartitioning.metadataExtractionQuery', 'applies only when dynamicPartitioning.enabled is true');
    }
    if (dp.retryDuration !== undefined) {
      issue('dynamicPartitioning.retryDuration', 'applies only when dynamicPartitioning.enabled is true');
    }
    if (delivery.appendDelimiterToRecord) {
      issue('appendDelimiterToRecord', 'applies only when dynamicPartitioning.enabled is true (got true)');
    }
  } else {
    if (dp.metadataExtractionQuery === undefined && !delivery.processor) {
      issue(
        'dynamicPartitioning.metadataExtractionQuery',
        'is required when dynamicPartitioning.enabled is true (or set delivery.processor and use !{partitionKeyFromLambda:<key>})',
      );
    }
    if (queryKeys.length + lambdaKeys.length === 0) {
      issue(
        'prefix',
        `must use the partition keys, as !{partitionKeyFromQuery:<key>}, when dynamicPartitioning.enabled is true (got ${show(delivery.prefix)})`,
      );
    }
    if (lambdaKeys.length > 0 && !delivery.processor) {
      issue(
        'prefix',
        `uses !{partitionKeyFromLambda:${lambdaKeys[0]}}, which needs delivery.processor to return partition keys`,
      );
    }
    if (queryKeys.length > 0 && dp.metadataExtractionQuery === undefined) {
      issue(
        'prefix',
        `uses !{partitionKeyFromQuery:${queryKeys[0]}}, which needs dynamicPartitioning.metadataExtractionQuery`,
      );
    }
    if (dp.metadataExtractionQuery !== undefined) {
      const keys = partitionKeysOfQuery(dp.metadataExtractionQuery);
      if (!keys.ok) {
        issue(
          'dynamicPartitioning.metadataExtractionQuery',
          `${keys.problem} (got ${show(dp.metadataExtractionQuery)})`,
        );
      } else if (keys.keys.length > F.partitionKeys.max) {
        issue(
          'dynamicPartitioning.metadataExtractionQuery',
          `must produce ${describeRange(F.partitionKeys)} (got ${keys.keys.length})`,
        );
      } else {
        for (const key of queryKeys.filter((k) => !keys.keys.includes(k))) {
          issue(
            'prefix',
            `uses !{partitionKeyFromQuery:${key}}, but dynamicPartitioning.metadataExtractionQuery produces only ${keys.keys.join(', ')} (got key ${show(key)})`,
          );
        }
        for (const key of keys.keys.filter((k) => !queryKeys.includes(k))) {
          issue(
            'dynamicPartitioning.metadataExtractionQuery',
            `produces partition key ${show(key)}, which delivery.prefix does not use; Firehose needs every key in the prefix, e.g. ${key}=!{partitionKeyFromQuery:${key}}/`,
          );
        }
      }
    }
  }

  if (delivery.processor && delivery.processor.handler === undefined) {
    issue('processor.handler', 'is required: the file of your record transformation handler, relative to the spec');
  }
}

/** The delivery settings with the defaults that depend on other settings resolved. */
export function resolveDelivery(delivery: DeliveryInput) {
  const dp = delivery.dynamicPartitioning;
  const conversion = delivery.dataFormatConversion;
  const large = dp.enabled || conversion.enabled;
  const compression: CompressionFormat =
    delivery.compression ?? (conversion.enabled ? 'UNCOMPRESSED' : F.compression.default);
  return {
    ...delivery,
    bufferingHints: {
      sizeInMBs:
        delivery.bufferingHints.sizeInMBs ??
        (large ? F.bufferingSizeWithPartitioning.default : F.bufferingSize.default),
      intervalInSeconds: delivery.bufferingHints.intervalInSeconds ?? F.bufferingInterval.default,
    },
    compression,
    dynamicPartitioning: { ...dp, retryDuration: dp.retryDuration ?? F.retryDuration.default },
    processor: delivery.processor && { ...delivery.processor, handler: delivery.processor.handler! },
  };
}

/** The parts of a prefix already checked by its field (an unparsable one has been reported there). */
function parsed(prefix: string): readonly PrefixPart[] {
  const result = parsePrefix(prefix);
  return result.ok ? result.parts : [];
}
