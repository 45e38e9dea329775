/**
 * Reading a pipeline spec: YAML or JSON text → validated, every default filled in, file paths made absolute.
 * Nothing else in streamkit parses a spec.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { type SpecProblem, SpecValidationError, StreamkitError } from '../errors.ts';
import {
  isPresetName,
  type PipelineSpec,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
  type SpecOf,
} from '../presets/registry.ts';
import { closest, isPlainObject, show } from './fields.ts';

export interface ParseOptions {
  /** Names the spec in error messages: a file path, or `--preset apigw-kinesis-lambda`. */
  readonly source?: string;
  /** Relative paths in the spec (handlers, the data directory) are resolved against this. @default process.cwd() */
  readonly baseDir?: string;
  /** Skip checks that touch the file system (handler files exist). @default false */
  readonly skipFileChecks?: boolean;
}

/** The spec file names `streamkit` looks for when none is given, in order. */
export const SPEC_FILE_NAMES = ['streamkit.yaml', 'streamkit.yml', 'streamkit.json'] as const;

/** Validates a raw spec object (already parsed from YAML/JSON) and fills in every default. */
export function parseSpec(raw: unknown, options: ParseOptions = {}): PipelineSpec {
  const source = options.source ?? 'spec';
  const baseDir = options.baseDir ?? process.cwd();
  if (!isPlainObject(raw)) {
    throw new SpecValidationError(source, [
      { path: '(root)', message: `the spec must be a mapping of settings (got ${show(raw)})` },
    ]);
  }
  const presetName = raw.preset;
  if (typeof presetName !== 'string' || !isPresetName(presetName)) {
    const guess = typeof presetName === 'string' ? closest(presetName, PRESET_NAMES) : undefined;
    const hint = guess ? ` — did you mean "${guess}"?` : '';
    const message =
      presetName === undefined
        ? `preset is required: one of ${PRESET_NAMES.join(', ')}`
        : `preset must be one of ${PRESET_NAMES.join(', ')} (got ${show(presetName)})${hint}`;
    throw new SpecValidationError(source, [{ path: 'preset', message }]);
  }
  const result = (PRESETS[presetName].schema as z.ZodType<PipelineSpec>).safeParse(raw, { reportInput: true });
  if (!result.success) throw new SpecValidationError(source, formatIssues(result.error.issues));
  const spec = resolvePaths(result.data, baseDir);
  if (!options.skipFileChecks) checkFiles(spec, source);
  return spec;
}

/** Parses spec text; `format` defaults to YAML, which also reads JSON. */
export function parseSpecText(text: string, options: ParseOptions = {}): PipelineSpec {
  const source = options.source ?? 'spec';
  // logLevel 'error': yaml's warnings (a collection used as a key) would go to the console; such keys are reported
  // as unknown settings anyway.
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  const invalid = (message: string) => ({
    path: '(root)',
    message: `not valid YAML or JSON: ${message.split('\n')[0]}`,
  });
  if (document.errors.length > 0) {
    throw new SpecValidationError(
      source,
      document.errors.map((e) => invalid(e.message)),
    );
  }
  let raw: unknown;
  try {
    raw = document.toJS();
  } catch (error) {
    // Turning the document into values can still fail: an alias of an anchor never set (`*a`), or aliases that
    // expand past yaml's budget (a "billion laughs" document).
    throw new SpecValidationError(source, [invalid((error as Error).message)]);
  }
  return parseSpec(raw, options);
}

/**
 * Reads and validates a spec file (`streamkit.yaml`, `.yml` or `.json`). `source` names it in messages.
 * @default source - `file` as given
 */
export function loadSpec(file: string, options: { source?: string } = {}): PipelineSpec {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new StreamkitError('SK_NOT_FOUND', `spec file not found: ${file} (looked at ${path})`, { path: file });
  }
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new StreamkitError('SK_VALIDATION', `spec file must end in .yaml, .yml or .json (got ${file})`, {
      path: file,
    });
  }
  return parseSpecText(readFileSync(path, 'utf8'), { source: options.source ?? file, baseDir: dirname(path) });
}

/** The spec of a preset with every default, as `--preset <name>` gives it. */
export function presetSpec<P extends PresetName>(preset: P, options?: Omit<ParseOptions, 'source'>): SpecOf<P>;
export function presetSpec(preset: string, options?: Omit<ParseOptions, 'source'>): PipelineSpec;
export function presetSpec(preset: string, options: Omit<ParseOptions, 'source'> = {}): PipelineSpec {
  return parseSpec({ preset }, { ...options, source: `--preset ${preset}` });
}

/** `consumers[0].batchSize` from `['consumers', 0, 'batchSize']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const subject = path === '(root)' ? 'the spec' : path;
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    const problem = { path, message: `${subject} ${message}` };
    if (!problems.some((p) => p.message === problem.message)) problems.push(problem);
  }
  return problems;
}

function resolvePaths(spec: PipelineSpec, baseDir: string): PipelineSpec {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const local = { ...spec.local, dataDir: abs(spec.local.dataDir) };
  switch (spec.preset) {
    case 'apigw-kinesis-lambda':
      return {
        ...spec,
        consumers: spec.consumers.map((c) => ({ ...c, handler: c.handler === undefined ? undefined : abs(c.handler) })),
        local,
      };
    case 'kinesis-firehose-s3': {
      const { processor } = spec.delivery;
      return {
        ...spec,
        delivery: { ...spec.delivery, processor: processor && { ...processor, handler: abs(processor.handler) } },
        local,
      };
    }
    case 'kpl-kinesis-flink-s3':
      return { ...spec, flink: { ...spec.flink, sql: abs(spec.flink.sql) }, local };
    case 'kinesis-flink-apigw':
      return { ...spec, local };
    case 'msk-lambda':
      return {
        ...spec,
        consumers: spec.consumers.map((c) => ({ ...c, handler: c.handler === undefined ? undefined : abs(c.handler) })),
        local,
      };
    case 'msk-lambda-firehose-s3': {
      const { processor } = spec.delivery;
      const { forwarder } = spec;
      return {
        ...spec,
        forwarder: { ...forwarder, handler: forwarder.handler === undefined ? undefined : abs(forwarder.handler) },
        delivery: { ...spec.delivery, processor: processor && { ...processor, handler: abs(processor.handler) } },
        local,
      };
    }
    case 'msk-flink-s3':
      return { ...spec, flink: { ...spec.flink, sql: abs(spec.flink.sql) }, local };
    case 'msk-cluster':
    case 'msk-connect-s3':
    case 'msk-labs':
      return { ...spec, local };
  }
}

/** The files a spec names (handlers, SQL), with the path of the setting that names each. */
function handlerFiles(spec: PipelineSpec): { path: string; file: string }[] {
  switch (spec.preset) {
    case 'apigw-kinesis-lambda':
      return spec.consumers.flatMap((c, i) =>
        c.handler === undefined ? [] : [{ path: `consumers[${i}].handler`, file: c.handler }],
      );
    case 'kinesis-firehose-s3':
      return processorFile(spec.delivery);
    case 'kpl-kinesis-flink-s3':
      return spec.flink.mode === 'application' ? [{ path: 'flink.sql', file: spec.flink.sql }] : [];
    case 'kinesis-flink-apigw':
      return [];
    case 'msk-lambda':
      return spec.consumers.flatMap((c, i) =>
        c.handler === undefined ? [] : [{ path: `consumers[${i}].handler`, file: c.handler }],
      );
    case 'msk-lambda-firehose-s3':
      return [
        ...(spec.forwarder.handler === undefined ? [] : [{ path: 'forwarder.handler', file: spec.forwarder.handler }]),
        ...processorFile(spec.delivery),
      ];
    case 'msk-flink-s3':
      return [{ path: 'flink.sql', file: spec.flink.sql }];
    case 'msk-cluster':
    case 'msk-connect-s3':
    case 'msk-labs':
      return [];
  }
}

function processorFile(delivery: { readonly processor?: { readonly handler: string } | undefined }) {
  return delivery.processor ? [{ path: 'delivery.processor.handler', file: delivery.processor.handler }] : [];
}

function checkFiles(spec: PipelineSpec, source: string): void {
  const problems: SpecProblem[] = handlerFiles(spec)
    .filter(({ file }) => !existsSync(file))
    .map(({ path, file }) => ({
      path,
      message: `${path} must name an existing file (got ${file}, which does not exist)`,
    }));
  if (problems.length > 0) throw new SpecValidationError(source, problems);
}
