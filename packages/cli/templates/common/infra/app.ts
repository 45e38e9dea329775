/**
 * The CDK app behind cdk.json: `npx cdk synth`, `npx cdk diff`, `npx cdk deploy`. It builds the PipelineStack of
 * ./streamkit.yaml with cdk-nag's checks, as `streamkit synth` does. To add your own resources, build the stack and
 * add constructs to it before `app.synth()`:
 *
 *   const { app, stack } = buildPipelineApp();
 *   new aws_sns.Topic(stack, 'MyTopic');
 *   app.synth();
 */
import { buildPipelineApp } from '@streamkit/cdk';

buildPipelineApp().app.synth();
