/**
 * What every pipeline stack carries besides its resources: streamkit's tags (`streamkit:preset`, `streamkit:pipeline`,
 * `streamkit:version`) on the stack and so on every resource that takes tags — activate them as cost allocation tags
 * and Cost Explorer shows what each preset and pipeline costs in your own account — the spec's own `tags`, and the
 * AppRegistry application when the spec asks for one. Both kinds of pipeline stack call `tagAndRegister` first thing.
 */
import { type PipelineSpec, STACK_TAGS, STREAMKIT_VERSION } from '@streamkit/core';
import { type Stack, Tags } from 'aws-cdk-lib';
import { PipelineApplication } from './appregistry/pipeline-application.ts';

/** The tags streamkit puts on the stack of `spec`. */
export function streamkitTags(spec: PipelineSpec): Record<string, string> {
  return {
    [STACK_TAGS.preset]: spec.preset,
    [STACK_TAGS.pipeline]: spec.name,
    [STACK_TAGS.version]: STREAMKIT_VERSION,
  };
}

/** Tags the stack (and its resources) with streamkit's tags and the spec's, and adds the AppRegistry application. */
export function tagAndRegister(stack: Stack, spec: PipelineSpec): void {
  // Tags.of() tags the resources in the template; with the recommended @aws-cdk/core:explicitStackTags flag the stack
  // itself (whose tags CloudFormation also puts on resources whose CDK construct has no Tags) needs its own.
  for (const [key, value] of Object.entries(streamkitTags(spec))) {
    Tags.of(stack).add(key, value);
    stack.tags.setTag(key, value);
  }
  for (const [key, value] of Object.entries(spec.tags)) {
    Tags.of(stack).add(key, value);
    stack.tags.setTag(key, value);
  }
  if (spec.appRegistry) {
    new PipelineApplication(stack, 'AppRegistry', {
      preset: spec.preset,
      pipeline: spec.name,
      ...(spec.description && { description: spec.description }),
    });
  }
}
