#!/usr/bin/env node
/** CDK app entry for `cdk.json` users: `npx cdk synth`, `npx cdk deploy -c preset=apigw-kinesis-lambda`… */
import { toStreamkitError } from '@streamkit/core';
import { buildPipelineApp } from '../src/app.ts';

try {
  buildPipelineApp().app.synth();
} catch (error) {
  const failure = toStreamkitError(error);
  console.error(`Error ${failure.code}: ${failure.message}`);
  process.exitCode = failure.exitCode;
}
