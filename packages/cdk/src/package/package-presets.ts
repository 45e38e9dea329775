/**
 * `streamkit package`: for each preset, a standalone CloudFormation template that a console user launches without
 * CDK, and its assets, in the layout of the original solution's `build-s3-dist.sh`:
 *
 *   <out>/global-s3-assets/<preset>.template      the template (JSON)
 *   <out>/regional-s3-assets/<hash>.zip | <hash>.<ext>   the assets the templates reference
 *
 * Each template reads its assets from the bucket `<AssetsBucketName>-<region>` under `<AssetsKeyPrefix>` (both
 * parameters, defaulting to `--bucket-name` and `streamkit/<version>/`), takes the preset's main settings as
 * parameters (see `preset-parameters.ts` and `parameterize.ts`), groups and labels them for the console, and has no
 * bootstrap parameter or rule and no CDK metadata.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type PresetName, parseSpec, StreamkitError } from '@streamkit/core';
import { applyNag } from '../nag.ts';
import type { PipelineStackProps } from '../pipeline-stack.ts';
import { createPipelineStack } from '../pipeline-stacks.ts';
import { checkFindings, createPipelineApp, readFindings } from '../synth.ts';
import { copyFileAsset, zipDirectory } from './asset-archive.ts';
import { ASSET_PARAMETERS, type PackagedAsset, PackageSynthesizer } from './package-synthesizer.ts';
import { parameterize } from './parameterize.ts';
import { PRESET_PACKAGES } from './preset-parameters.ts';
import { isJsonObject, type Json, type JsonObject } from './template-json.ts';
import type { ParameterGroup, PresetPackage, TemplateParameter } from './template-parameter.ts';

/** The stack name templates are synthesized with; packaging turns it into `AWS::StackName` wherever it shows up. */
export const PACKAGE_STACK_NAME = 'streamkit-packaged-stack';

/** The version the templates name when none is given: this package's. */
export const STREAMKIT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface PackageOptions {
  /** Where `global-s3-assets/` and `regional-s3-assets/` are written (created if missing). */
  readonly outdir: string;
  /**
   * Base name of the regional asset buckets: the templates read from `<bucketName>-<region>`.
   * @default - no default: whoever launches a template types it
   */
  readonly bucketName?: string;
  /**
   * The version in the templates' descriptions and the default key prefix (`streamkit/<version>/`).
   * @default - this package's version
   */
  readonly solutionVersion?: string;
  /** The Flink job jars to package. @default - the ones `mvn package` builds in flink/ */
  readonly flinkJobJars?: PipelineStackProps['flinkJobJars'];
  /** Called with a line of progress as packaging goes. @default - silent */
  readonly onProgress?: (message: string) => void;
}

export interface PackagedPreset {
  readonly preset: PresetName;
  readonly templatePath: string;
  /** The template's parameters, in the order the console shows them. */
  readonly parameters: readonly string[];
  /** Object keys of the assets the template references (under the key prefix), each in `regional-s3-assets/`. */
  readonly assets: readonly string[];
  /** Templates synthesized to find where the parameters go. */
  readonly synths: number;
}

export interface PackageResult {
  /** The default key prefix of the templates (`streamkit/<version>/`): where the regional assets go in the bucket. */
  readonly keyPrefix: string;
  readonly globalAssets: string;
  readonly regionalAssets: string;
  readonly presets: readonly PackagedPreset[];
}

const BUCKET_BASE = /^[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Packages `presets` into `options.outdir`; SK_VALIDATION for a bad bucket name or version. */
export function packagePresets(presets: readonly PresetName[], options: PackageOptions): PackageResult {
  const version = options.solutionVersion ?? STREAMKIT_VERSION;
  if (options.bucketName !== undefined && !BUCKET_BASE.test(options.bucketName)) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `--bucket-name must be 3–42 lowercase letters, digits, dots and hyphens, starting and ending with a letter or ` +
        `digit, so that <name>-<region> is a valid bucket name (got ${JSON.stringify(options.bucketName)})`,
      { path: 'bucketName' },
    );
  }
  if (!VERSION.test(version)) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `--solution-version must be letters, digits, dots, hyphens, underscores and plus signs, up to 64 (got ${JSON.stringify(version)})`,
      { path: 'solutionVersion' },
    );
  }
  const outdir = resolve(options.outdir);
  const globalAssets = join(outdir, 'global-s3-assets');
  const regionalAssets = join(outdir, 'regional-s3-assets');
  mkdirSync(globalAssets, { recursive: true });
  mkdirSync(regionalAssets, { recursive: true });
  const staging = mkdtempSync(join(outdir, 'staging-'));
  try {
    const packaged = presets.map((preset) =>
      packageOne(preset, { ...options, solutionVersion: version }, { globalAssets, regionalAssets, staging }),
    );
    return { keyPrefix: keyPrefixOf(version), globalAssets, regionalAssets, presets: packaged };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

interface Folders {
  readonly globalAssets: string;
  readonly regionalAssets: string;
  readonly staging: string;
}

function packageOne(
  preset: PresetName,
  options: PackageOptions & { solutionVersion: string },
  folders: Folders,
): PackagedPreset {
  const progress = options.onProgress ?? (() => {});
  const definition = PRESET_PACKAGES[preset];
  const parameters = definition.groups.flatMap((g) => g.parameters);
  let assets: readonly PackagedAsset[] | undefined;
  let assemblyOfAssets = '';
  let count = 0;

  const { template, synths } = parameterize({
    parameters,
    base: definition.base,
    stackName: PACKAGE_STACK_NAME,
    synth: (raw, why) => {
      count += 1;
      progress(`${preset}: synthesizing ${why}`);
      const outdir = join(folders.staging, `${preset}-${count}`);
      const synthesizer = new PackageSynthesizer();
      const result = synthesizeTemplate(preset, raw, outdir, synthesizer, options.flinkJobJars);
      if (assets === undefined) {
        // The first template is the one shipped; its assets are the ones to zip.
        assets = synthesizer.assets;
        assemblyOfAssets = result.assemblyDir;
      }
      return result.template;
    },
  });

  const groups = withAmiParameter(template, definition.groups, definition.amiParameter, preset);
  const finished = finishTemplate(template, groups, options, (assets ?? []).length > 0);
  const templatePath = join(folders.globalAssets, `${preset}.template`);
  writeFileSync(templatePath, `${JSON.stringify(finished, null, 2)}\n`);

  for (const asset of assets ?? []) {
    const source = isAbsolute(asset.source) ? asset.source : join(assemblyOfAssets, asset.source);
    const target = join(folders.regionalAssets, asset.objectKey);
    if (asset.packaging === 'zip') {
      const files = zipDirectory(source, target);
      progress(`${preset}: zipped asset ${asset.objectKey} (${files} files)`);
    } else {
      copyFileAsset(source, target);
      progress(`${preset}: copied asset ${asset.objectKey}`);
    }
  }
  const names = Object.keys(finished.Parameters as JsonObject);
  progress(`${preset}: wrote ${templatePath} (${names.length} parameters, ${synths} syntheses)`);
  return {
    preset,
    templatePath,
    parameters: names,
    assets: (assets ?? []).map((a) => a.objectKey),
    synths,
  };
}

/** Builds the preset's stack from `raw` with the package synthesizer, runs cdk-nag, and reads the template. */
function synthesizeTemplate(
  preset: PresetName,
  raw: Readonly<Record<string, unknown>>,
  outdir: string,
  synthesizer: PackageSynthesizer,
  flinkJobJars: PackageOptions['flinkJobJars'],
): { template: JsonObject; assemblyDir: string } {
  const spec = parseSpec({ ...raw, preset }, { source: `streamkit package ${preset}` });
  const exitCode = process.exitCode;
  try {
    const app = createPipelineApp(outdir);
    app.node.setContext('aws:cdk:version-reporting', false);
    const stack = createPipelineStack(app, PACKAGE_STACK_NAME, {
      spec,
      synthesizer,
      analyticsReporting: false,
      ...(flinkJobJars && { flinkJobJars }),
    });
    applyNag(app);
    const assembly = app.synth();
    checkFindings(
      PACKAGE_STACK_NAME,
      readFindings(assembly.directory),
      join(assembly.directory, 'validation-report.json'),
    );
    const artifact = assembly.getStackArtifact(stack.artifactId);
    return { template: artifact.template as JsonObject, assemblyDir: assembly.directory };
  } finally {
    process.exitCode = exitCode;
  }
}

const SSM_AMI = 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' as const;

/**
 * The parameter CDK declares for an instance's AMI (named after its SSM path) renamed to the original's name and
 * added to its group; any other parameter CDK declared is a packaging bug (it would be missing from the console's
 * groups).
 */
function withAmiParameter(
  template: JsonObject,
  groups: readonly ParameterGroup[],
  ami: PresetPackage['amiParameter'],
  preset: PresetName,
): ParameterGroup[] {
  const declared = isJsonObject(template.Parameters) ? template.Parameters : {};
  const own = new Set<string>(['BootstrapVersion', ASSET_PARAMETERS.bucket, ASSET_PARAMETERS.keyPrefix]);
  const extra = Object.entries(declared).filter(([name]) => !own.has(name));
  if (extra.length === 0) return [...groups];
  const [first] = extra;
  if (!ami || extra.length > 1 || !isJsonObject(first![1]) || first![1].Type !== SSM_AMI) {
    throw new StreamkitError(
      'SK_INTERNAL',
      `${preset}: the stack declares parameters packaging does not know: ${extra.map(([n]) => n).join(', ')}`,
    );
  }
  const [cdkName, declaration] = first as [string, JsonObject];
  renameRefs(template, cdkName, ami.name);
  const parameter: TemplateParameter = {
    name: ami.name,
    type: SSM_AMI,
    label: ami.label,
    description: 'SSM parameter holding the AMI of the instance (the latest Amazon Linux 2023 for its architecture)',
    default: String(declaration.Default),
    toSpec: () => ({}),
  };
  const group = groups.find((g) => g.label === ami.group);
  if (!group) throw new StreamkitError('SK_INTERNAL', `${preset}: no parameter group ${ami.group} for ${ami.name}`);
  return groups.map((g) => (g === group ? { ...g, parameters: [...g.parameters, parameter] } : g));
}

/** Every `{ Ref: from }` of the template becomes `{ Ref: to }`. */
function renameRefs(node: Json, from: string, to: string): void {
  if (Array.isArray(node)) for (const item of node) renameRefs(item, from, to);
  else if (isJsonObject(node)) {
    if (node.Ref === from) node.Ref = to;
    for (const value of Object.values(node)) renameRefs(value, from, to);
  }
}

/** Adds the parameters, their console grouping and the version; removes what only CDK reads. */
function finishTemplate(
  template: JsonObject,
  groups: readonly ParameterGroup[],
  options: PackageOptions & { solutionVersion: string },
  hasAssets: boolean,
): JsonObject {
  const assetParameters: TemplateParameter[] = [
    {
      name: ASSET_PARAMETERS.bucket,
      type: 'String',
      label: 'Asset bucket base name',
      description:
        'Base name of the S3 buckets holding the stack’s code: the stack reads it from <base name>-<region> (see docs/package.md)',
      default: options.bucketName ?? '',
      minLength: 3,
      maxLength: 42,
      toSpec: () => ({}),
    },
    {
      name: ASSET_PARAMETERS.keyPrefix,
      type: 'String',
      label: 'Asset key prefix',
      description: 'Key prefix of the assets in the bucket, ending in a slash',
      default: keyPrefixOf(options.solutionVersion),
      maxLength: 512,
      toSpec: () => ({}),
    },
  ];
  // A stack without assets (kinesis-firehose-s3) has no code to read, so no asset parameters either.
  const allGroups: ParameterGroup[] = hasAssets
    ? [...groups, { label: 'Assets location', parameters: assetParameters }]
    : [...groups];
  const parameters: JsonObject = {};
  for (const p of allGroups.flatMap((g) => g.parameters)) parameters[p.name] = cfnParameter(p);
  if (hasAssets && options.bucketName === undefined) delete (parameters[ASSET_PARAMETERS.bucket] as JsonObject).Default;

  const { Parameters: _cdkParameters, Rules, Metadata, Resources, Conditions, Outputs, ...rest } = template;
  const resources = stripCdkMetadata(isJsonObject(Resources) ? Resources : {});
  const conditions = isJsonObject(Conditions) ? { ...Conditions } : {};
  delete conditions.CDKMetadataAvailable;
  const rules = isJsonObject(Rules) ? { ...Rules } : {};
  delete rules.CheckBootstrapVersion;

  const description = typeof rest.Description === 'string' ? rest.Description : 'streamkit pipeline';
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    ...rest,
    Description: `${description} (streamkit ${options.solutionVersion})`,
    Metadata: {
      ...(isJsonObject(Metadata) ? Metadata : {}),
      'AWS::CloudFormation::Interface': {
        ParameterGroups: allGroups.map((g) => ({
          Label: { default: g.label },
          Parameters: g.parameters.map((p) => p.name),
        })),
        ParameterLabels: Object.fromEntries(
          allGroups.flatMap((g) => g.parameters).map((p) => [p.name, { default: p.label }]),
        ),
      },
    },
    Parameters: parameters,
    ...(Object.keys(conditions).length > 0 && { Conditions: conditions }),
    ...(Object.keys(rules).length > 0 && { Rules: rules }),
    Resources: resources,
    ...(Outputs !== undefined && { Outputs }),
  };
}

function keyPrefixOf(version: string): string {
  return `streamkit/${version}/`;
}

function cfnParameter(p: TemplateParameter): JsonObject {
  const out: JsonObject = { Type: p.type, Description: p.description, Default: p.default as Json };
  if (p.type === 'Number') out.Default = String(p.default);
  if (p.allowedValues) out.AllowedValues = [...p.allowedValues];
  if (p.minValue !== undefined) out.MinValue = p.minValue;
  if (p.maxValue !== undefined) out.MaxValue = p.maxValue;
  if (p.minLength !== undefined) out.MinLength = p.minLength;
  if (p.maxLength !== undefined) out.MaxLength = p.maxLength;
  return out;
}

/** Resources without `AWS::CDK::Metadata` and without the `aws:cdk:*` / `aws:asset:*` entries of their Metadata. */
function stripCdkMetadata(resources: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (!isJsonObject(resource) || resource.Type === 'AWS::CDK::Metadata') continue;
    const metadata = isJsonObject(resource.Metadata) ? resource.Metadata : undefined;
    if (!metadata) {
      out[id] = resource;
      continue;
    }
    const kept = Object.fromEntries(
      Object.entries(metadata).filter(([key]) => !key.startsWith('aws:cdk:') && !key.startsWith('aws:asset:')),
    );
    const { Metadata: _metadata, ...withoutMetadata } = resource;
    out[id] = Object.keys(kept).length > 0 ? { ...withoutMetadata, Metadata: kept } : withoutMetadata;
  }
  return out;
}
