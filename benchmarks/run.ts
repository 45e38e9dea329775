/**
 * `npm run bench [-- <name>...]`: runs the benchmarks of `benchmarks/*.bench.ts` (all, or those named), writes
 * `benchmarks/results/<name>.json` and regenerates `BENCHMARKS.md`. Never part of `npm test`.
 */
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchmarkDefinition } from './harness/definition.ts';
import { machineInfo } from './harness/machine.ts';
import type { SubjectResult } from './harness/report.ts';
import { type BenchmarkResult, computeRatios, readResults, renderMarkdown, writeResult } from './harness/report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');
const MARKDOWN = path.join(HERE, '..', 'BENCHMARKS.md');

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(names: readonly string[]): Promise<void> {
  const files = (await readdir(HERE)).filter((file) => file.endsWith('.bench.ts')).sort();
  const available = files.map((file) => file.slice(0, -'.bench.ts'.length));
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`No benchmark named ${unknown.join(', ')}; there are: ${available.join(', ')}`);
  }
  for (const name of names.length > 0 ? names : available) {
    const module = (await import(pathToFileURL(path.join(HERE, `${name}.bench.ts`)).href)) as {
      default: BenchmarkDefinition;
    };
    const definition = module.default;
    const machine = machineInfo();
    log(`== ${definition.title} (${machine.cores} cores, Node ${machine.node})`);
    const subjects: SubjectResult[] = [];
    for (const subject of definition.subjects) {
      log(`-- ${subject.label}`);
      const measurement = await definition.measure(subject, { log: (message) => log(`   ${message}`) });
      subjects.push({ ...subject, ...measurement });
      log(`   ${JSON.stringify(measurement.values)}`);
    }
    const result: BenchmarkResult = {
      name: definition.name,
      title: definition.title,
      method: definition.method,
      machine: { ...machine, loadAverage: { ...machine.loadAverage, end: Math.round(os.loadavg()[0]! * 100) / 100 } },
      metrics: definition.metrics,
      subjects,
      ratios: computeRatios(subjects, definition.metrics),
    };
    log(`wrote ${path.relative(process.cwd(), await writeResult(RESULTS, result))}`);
  }
  await writeFile(MARKDOWN, renderMarkdown(await readResults(RESULTS)));
  log(`wrote ${path.relative(process.cwd(), MARKDOWN)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
