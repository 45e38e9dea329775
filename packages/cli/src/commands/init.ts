/**
 * `streamkit init <dir> --preset <name>`: a project of one's own — the spec, a handler in TypeScript (record logic
 * plus Lambda adapter) with its test, package.json, README, tsconfig and a cdk.json whose app builds the
 * PipelineStack — that `streamkit validate`, `dev` and `synth` and `npx cdk synth` work on without edits.
 *
 * While streamkit is unpublished, the project links this checkout's packages (`file:` dependencies on
 * `packages/cli` and `packages/cdk`); everything else comes from npm at the versions this checkout uses
 * (decision 0010).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, loadSpec, PIPELINE_NAME, PRESETS, type PresetName, StreamkitError } from '@streamkit/core';
import { output } from '../output.ts';

export interface InitArgs {
  readonly dir: string;
  readonly preset: PresetName;
  /** The pipeline's name. @default the directory's name, lowercased, with other characters as hyphens */
  readonly name?: string;
  /** Write into a directory that already has files (never overwrites one). */
  readonly force?: boolean;
  readonly json?: boolean;
}

/** The streamkit checkout this CLI runs from. */
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** The presets `init` has a project template for (a directory of `templates/` each; `common` is shared). */
export const INIT_PRESETS: readonly PresetName[] = readdirSync(TEMPLATES)
  .filter((entry): entry is PresetName => entry in PRESETS)
  .sort();

/** Packages the scaffold takes from npm, at the version this checkout has installed. */
const FROM_NPM = {
  dependencies: ['@aws-lambda-powertools/batch', '@aws-lambda-powertools/kafka'],
  devDependencies: ['@types/aws-lambda', '@types/node', 'aws-cdk', 'tsx', 'typescript'],
} as const;

export function init(args: InitArgs): number {
  const dir = resolve(args.dir);
  const name = args.name ?? pipelineNameOf(basename(dir));
  if (!PIPELINE_NAME.test(name) || name.length > LIMITS.pipeline.nameLength.max) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `--name must be ${LIMITS.pipeline.nameLength.min}–${LIMITS.pipeline.nameLength.max} lowercase letters, digits and hyphens, starting with a letter (got "${name}")`,
      { path: 'name' },
    );
  }
  const preset = PRESETS[args.preset];
  if (existsSync(dir) && readdirSync(dir).length > 0 && !args.force) {
    throw new StreamkitError(
      'SK_CONFLICT',
      `${dir} is not empty: init a new directory, or pass --force to add the project's files (existing files are kept)`,
    );
  }
  const values = { name, preset: preset.name, title: preset.title, repo: REPO.replace(/\/$/, '') };
  const files = new Map<string, string>();
  for (const source of ['common', preset.name]) {
    const root = join(TEMPLATES, source);
    if (!existsSync(root))
      throw new StreamkitError('SK_NOT_FOUND', `streamkit has no project template for preset ${preset.name} yet`);
    for (const file of walk(root)) {
      const target = relative(root, file).replace(/^gitignore$/, '.gitignore');
      files.set(target, fill(readFileSync(file, 'utf8'), values));
    }
  }
  files.set('package.json', `${JSON.stringify(packageJson(name, preset.name), null, 2)}\n`);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [path, text] of files) {
    const target = join(dir, path);
    if (existsSync(target)) {
      kept.push(path);
      continue;
    }
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, text);
    written.push(path);
  }
  // The scaffold must be valid as written: its spec is read the way `streamkit validate` reads it.
  loadSpec(join(dir, 'streamkit.yaml'));
  if (args.json) {
    output.line(JSON.stringify({ dir, name, preset: preset.name, written, kept }, null, 2));
    return 0;
  }
  output.line(`✓ created ${name} (${preset.name}) in ${dir}`);
  for (const path of written) output.line(`  ${path}`);
  for (const path of kept) output.line(`  ${path} (exists, kept)`);
  const cd = relative(process.cwd(), dir) || '.';
  output.line('');
  output.line('Next:');
  output.line(`  cd ${cd}`);
  output.line('  npm install');
  output.line('  npm test                          # the handler’s tests');
  output.line('  npx streamkit dev --produce 50    # run it here, with a dashboard');
  output.line('  npx streamkit synth               # CloudFormation, checked by cdk-nag (or: npx cdk synth)');
  return 0;
}

/** `My_Project 2` → `my-project-2`; a name must start with a letter. */
export function pipelineNameOf(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, LIMITS.pipeline.nameLength.max)
    .replace(/-+$/, '');
  if (!name) {
    throw new StreamkitError(
      'SK_VALIDATION',
      `cannot make a pipeline name from the directory name "${dirName}": pass --name (lowercase letters, digits and hyphens, starting with a letter)`,
      { path: 'name' },
    );
  }
  return name;
}

function packageJson(name: string, preset: string) {
  const version = (pkg: string) => {
    const file = join(REPO, 'node_modules', pkg, 'package.json');
    return existsSync(file) ? `^${(JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version}` : 'latest';
  };
  const from = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, version(n)]));
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    description: `A streamkit pipeline (${preset})`,
    scripts: {
      test: 'node --import tsx --test test/*.test.ts',
      typecheck: 'tsc -p .',
      validate: 'streamkit validate',
      dev: 'streamkit dev --produce 50',
      synth: 'streamkit synth',
      tail: 'streamkit tail',
    },
    dependencies: {
      // Unpublished: linked from the checkout that made this project (handler helpers such as processKafkaRecords).
      '@streamkit/functions': `file:${join(REPO, 'packages/functions')}`,
      ...from(FROM_NPM.dependencies),
    },
    devDependencies: {
      // Unpublished: linked from the checkout that made this project.
      '@streamkit/cdk': `file:${join(REPO, 'packages/cdk')}`,
      '@streamkit/cli': `file:${join(REPO, 'packages/cli')}`,
      ...from(FROM_NPM.devDependencies),
    },
    // npm asks before running install scripts; esbuild's only checks its binary (handlers are bundled with it).
    allowScripts: { esbuild: true },
  };
}

function fill(text: string, values: Record<string, string>): string {
  // `__name__`, not `{{name}}`: the placeholders must stay valid YAML, which Biome formats.
  return text.replace(/__([a-z]+)__/g, (whole, key: string) => values[key] ?? whole);
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
