/**
 * The components of one pipeline, as its spec configures them: the preset's components, with the optional ones the
 * spec leaves out removed and labels naming what the spec names (its consumers, its prefixes). The docs draw a
 * preset's full shape; the local dashboard draws this — the pipeline that is running.
 */
import type { PipelineComponent } from '../presets/preset.ts';
import { type PipelineSpec, PRESETS } from '../presets/registry.ts';

export function componentsOfSpec(spec: PipelineSpec): PipelineComponent[] {
  const components: readonly PipelineComponent[] = PRESETS[spec.preset].components;
  switch (spec.preset) {
    case 'apigw-kinesis-lambda': {
      const names = spec.consumers.map((c) => c.name).join(', ');
      const withQueue = spec.consumers.filter((c) => c.onFailure === 'sqs').map((c) => c.name);
      return adjust(components, {
        consumers: { label: `Lambda consumer${spec.consumers.length > 1 ? 's' : ''}: ${names}` },
        dlq: withQueue.length === 0 ? 'drop' : { label: `SQS dead-letter queue${withQueue.length > 1 ? 's' : ''}` },
      });
    }
    case 'kinesis-firehose-s3': {
      const { delivery } = spec;
      return adjust(components, {
        processor: delivery.processor ? { label: 'Lambda record transformation' } : 'drop',
        s3: { label: `S3 bucket: ${delivery.prefix || '(no prefix)'}` },
        errors: { label: `S3 bucket: ${delivery.errorOutputPrefix}` },
      });
    }
    default:
      return [...components];
  }
}

/** Relabels or drops components by id; arrows to a dropped component go too. */
function adjust(
  components: readonly PipelineComponent[],
  changes: Readonly<Record<string, { readonly label: string } | 'drop'>>,
): PipelineComponent[] {
  const dropped = new Set(Object.keys(changes).filter((id) => changes[id] === 'drop'));
  return components
    .filter((c) => !dropped.has(c.id))
    .map((c) => {
      const change = changes[c.id];
      return {
        ...c,
        ...(change && change !== 'drop' && { label: change.label }),
        next: c.next.filter((id) => !dropped.has(id)),
      };
    });
}
