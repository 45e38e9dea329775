/** The stack of a spec: a Kinesis pipeline's PipelineStack or an MSK pipeline's MskPipelineStack. */
import { isMskSpec } from '@streamkit/core';
import type { Construct } from 'constructs';
import { MskPipelineStack, type MskPipelineStackProps } from './msk-pipeline-stack.ts';
import { PipelineStack, type PipelineStackProps } from './pipeline-stack.ts';

export type AnyPipelineStack = PipelineStack | MskPipelineStack;

export function createPipelineStack(
  scope: Construct,
  id: string,
  props: PipelineStackProps & MskPipelineStackProps,
): AnyPipelineStack {
  return isMskSpec(props.spec) ? new MskPipelineStack(scope, id, props) : new PipelineStack(scope, id, props);
}
