/**
 * Synthesizes every preset, each into its own cloud assembly, the way `streamkit synth` does (cdk-nag included), and
 * prints one JSON line: how many presets and resources, and this process's CPU seconds. The synthesis benchmark
 * (`synth.bench.ts`) runs it in a fresh process and times it from spawn to exit, module loading included — as `cdk
 * synth` of the original's app was timed.
 *
 * A preset with a setting required to deploy (msk-connect-s3's plugin) gets the least spec that has it; the Flink presets upload the test fixture jar as
 * their job jars (no Maven build here).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize } from '@streamkit/cdk';
import { type PipelineSpec, PRESET_NAMES, parseSpecText, presetSpec } from '@streamkit/core';

const JAR = fileURLToPath(new URL('../packages/cdk/test/fixtures/flink-job.jar', import.meta.url));
const REQUIRED: Partial<Record<string, string>> = {
  'msk-connect-s3': 'connector:\n  plugin: s3://my-plugins/kafka-connect-s3.zip',
};

function specOf(preset: string): PipelineSpec {
  const yaml = REQUIRED[preset];
  return yaml === undefined
    ? presetSpec(preset)
    : parseSpecText(`preset: ${preset}\n${yaml}`, { source: `--preset ${preset}`, skipFileChecks: true });
}

const outdir = mkdtempSync(join(tmpdir(), 'streamkit-synth-bench-'));
try {
  let resources = 0;
  for (const preset of PRESET_NAMES) {
    const result = synthesize(specOf(preset), {
      outdir: join(outdir, preset),
      flinkJobJars: { sqlRunner: JAR, enrichment: JAR },
    });
    resources += Object.keys(JSON.parse(readFileSync(result.templatePath, 'utf8')).Resources).length;
  }
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ presets: PRESET_NAMES.length, resources, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
