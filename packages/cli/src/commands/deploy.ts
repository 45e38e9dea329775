/**
 * `streamkit deploy`, `diff` and `destroy`: the pipeline's stack in an AWS account, through the CDK's programmatic
 * toolkit (@aws-cdk/toolkit-lib). The stack is synthesized in this process as `streamkit synth` does it; the toolkit
 * publishes its assets, creates and executes the change set, and reports the stack events, which print one per line.
 */
import { BaseCredentials, DiffMethod, Toolkit } from '@aws-cdk/toolkit-lib';
import { StreamkitError } from '@streamkit/core';
import { checkSpec } from '@streamkit/local';
import { requireCredentials } from '../aws/credentials.ts';
import { terminalConfirm } from '../confirm.ts';
import { output } from '../output.ts';
import { type PipelineArgs, resolvePipeline } from '../resolve-spec.ts';
import { fromToolkitError } from '../toolkit/errors.ts';
import { ProgressIoHost, type RequireApproval } from '../toolkit/io-host.ts';
import { pipelineAssembly, pipelineStack } from '../toolkit/pipeline-assembly.ts';

export interface AwsArgs extends PipelineArgs {
  /** @default `streamkit-<pipeline name>`, as `synth` */
  readonly stackName?: string | undefined;
  readonly profile?: string | undefined;
  /** @default - AWS_REGION, the profile's region, else us-east-1 (the CDK's resolution) */
  readonly region?: string | undefined;
  readonly verbose?: boolean | undefined;
  /** Where the deployed cloud assembly is written. @default 'cdk.out', as `synth` */
  readonly out?: string | undefined;
}

export interface DeployArgs extends AwsArgs {
  readonly requireApproval?: RequireApproval | undefined;
  readonly yes?: boolean | undefined;
  readonly json?: boolean | undefined;
}

export interface DestroyArgs extends AwsArgs {
  readonly force?: boolean | undefined;
  readonly yes?: boolean | undefined;
}

export async function deploy(args: DeployArgs): Promise<number> {
  const session = await open(args, {
    requireApproval: args.requireApproval ?? 'broadening',
    yes: Boolean(args.yes),
    confirm: terminalConfirm(),
  });
  const started = performance.now();
  output.progress(`deploying stack ${session.stackName} (change set; stack events follow)`);
  const result = await session.run(() =>
    session.toolkit.deploy(session.assembly, {
      stacks: pipelineStack(session.stackName),
      deploymentMethod: { method: 'change-set' },
    }),
  );
  const stack = result.stacks[0];
  if (!stack) throw new StreamkitError('SK_INTERNAL', `the toolkit deployed no stack named ${session.stackName}`);
  const { account, region } = stackEnvironment(stack.stackArn);
  if (args.json) {
    output.line(JSON.stringify({ ...stack, environment: { account, region } }, null, 2));
    return 0;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  output.line(`✓ deployed stack ${stack.stackName} to aws://${account}/${region} in ${seconds} s`);
  const apiUrl = stack.outputs.ApiUrl;
  const rows: [string, string][] = [
    ['stack', stack.stackArn],
    ...Object.entries(stack.outputs).sort(([a], [b]) => a.localeCompare(b)),
    ...(apiUrl ? [['send data', `streamkit produce --url ${apiUrl} --region ${region}`] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) output.line(`  ${key.padEnd(width)}  ${value}`);
  return 0;
}

export async function diff(args: AwsArgs & { json?: boolean | undefined }): Promise<number> {
  const session = await open(args, {});
  output.progress(`comparing stack ${session.stackName} with the deployed one`);
  const diffs = await session.run(() =>
    session.toolkit.diff(session.assembly, {
      stacks: pipelineStack(session.stackName),
      // Compares with the deployed template: read-only, so it works before bootstrapping and with read-only roles.
      method: DiffMethod.TemplateOnly(),
    }),
  );
  const changes = Object.entries(diffs).map(([stack, templateDiff]) => {
    const rows: { change: 'add' | 'update' | 'remove'; logicalId: string; type: string }[] = [];
    templateDiff.resources.forEachDifference((logicalId, d) => {
      const change = d.isAddition ? 'add' : d.isRemoval ? 'remove' : 'update';
      rows.push({ change, logicalId, type: d.newResourceType ?? d.oldResourceType ?? '?' });
    });
    return { stack, resources: rows, permissionChanges: session.host.permissionChanges ?? 'none' };
  });
  if (args.json) {
    output.line(JSON.stringify(changes, null, 2));
    return 0;
  }
  for (const { stack, resources, permissionChanges } of changes) {
    const count = (kind: string) => resources.filter((r) => r.change === kind).length;
    output.line(
      `stack ${stack}: ${count('add')} to add, ${count('update')} to update, ${count('remove')} to remove; IAM and security group changes: ${permissionChanges}`,
    );
    const sign = { add: '+', update: '~', remove: '-' } as const;
    for (const r of resources) output.line(`  ${sign[r.change]} ${r.type} ${r.logicalId}`);
  }
  return 0;
}

export async function destroy(args: DestroyArgs): Promise<number> {
  const confirm = terminalConfirm();
  const yes = Boolean(args.force || args.yes);
  if (!yes && !confirm) {
    throw new StreamkitError(
      'SK_VALIDATION',
      'destroy deletes the stack and every resource in it, and there is no terminal to confirm on: pass --force',
    );
  }
  const session = await open(args, { yes, confirm });
  output.progress(`destroying stack ${session.stackName}`);
  const result = await session.run(() =>
    session.toolkit.destroy(session.assembly, { stacks: pipelineStack(session.stackName) }),
  );
  if (session.host.declined) throw new StreamkitError('SK_VALIDATION', session.host.declined);
  const stack = result.stacks[0];
  if (!stack?.stackExisted || !stack.stackArn) {
    throw new StreamkitError(
      'SK_NOT_FOUND',
      `stack ${session.stackName} does not exist in the account and region of these credentials${args.region ? ` (${args.region})` : ''}: nothing to destroy. Check --stack-name, --profile and --region.`,
    );
  }
  const { account, region } = stackEnvironment(stack.stackArn);
  output.line(`✓ destroyed stack ${stack.stackName} in aws://${account}/${region}`);
  return 0;
}

/**
 * The account and region a stack lives in, from its ARN: streamkit stacks are environment-agnostic, so the
 * toolkit's result names `unknown-account`; the ARN is what CloudFormation made.
 */
export function stackEnvironment(stackArn: string): { account: string; region: string } {
  const [, , , region = '?', account = '?'] = stackArn.split(':');
  return { account, region };
}

interface Session {
  readonly stackName: string;
  readonly toolkit: Toolkit;
  readonly host: ProgressIoHost;
  readonly assembly: Awaited<ReturnType<typeof pipelineAssembly>>;
  /** Runs a toolkit action, turning what it throws into streamkit's errors. */
  run<T>(action: () => Promise<T>): Promise<T>;
}

/** Resolves the pipeline, requires credentials (before anything else is done), and readies the toolkit. */
async function open(args: AwsArgs, questions: ConstructorParameters<typeof ProgressIoHost>[0]): Promise<Session> {
  const { spec, source } = resolvePipeline(args);
  const stackName = args.stackName ?? `streamkit-${spec.name}`;
  await requireCredentials({ profile: args.profile });
  await checkSpec(spec, { source });
  const host = new ProgressIoHost({ ...questions, verbose: Boolean(args.verbose) });
  const toolkit = new Toolkit({
    ioHost: host,
    color: false,
    emojis: false,
    sdkConfig: {
      baseCredentials: BaseCredentials.awsCliCompatible({
        ...(args.profile && { profile: args.profile }),
        ...(args.region && { defaultRegion: args.region }),
      }),
    },
  });
  output.progress(`synthesizing ${source} (bundling handlers, running cdk-nag)`);
  const assembly = await pipelineAssembly(toolkit, spec, stackName, args.out ?? 'cdk.out');
  return {
    stackName,
    toolkit,
    host,
    assembly,
    async run(action) {
      try {
        return await action();
      } catch (error) {
        throw fromToolkitError(error, {
          stackName,
          failures: host.failures,
          stackStatus: host.stackStatus,
          declined: host.declined,
          profile: args.profile,
        });
      }
    },
  };
}
