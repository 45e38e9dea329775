/**
 * `npm run bench [-- <name>...]`: runs the benchmarks of `benchmarks/*.bench.ts` (all, or those named), writes
 * `benchmarks/results/<name>.json` and regenerates `BENCHMARKS.md` (with the reports in `benchmarks/reports/`).
 * `npm run bench -- --render` only regenerates the file. Never part of `npm test`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchmarkDefinition, BenchmarkMetric, SubjectMeasurement } from './harness/definition.ts';
import { machineInfo } from './harness/machine.ts';
import type { SubjectResult } from './harness/report.ts';
import { type BenchmarkResult, computeRatios, readResults, renderMarkdown, writeResult } from './harness/report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');
const MARKDOWN = path.join(HERE, '..', 'BENCHMARKS.md');
const REPORTS = path.join(HERE, 'reports');

/** The reports of standalone benchmark scripts (e.g. `npx tsx benchmarks/producer.ts`), kept as they were written. */
async function readReports(): Promise<string[]> {
  const files = (await readdir(REPORTS).catch(() => [] as string[])).filter((file) => file.endsWith('.md')).sort();
  return Promise.all(files.map((file) => readFile(path.join(REPORTS, file), 'utf8')));
}

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
    const rounds = definition.rounds ?? 3;
    const samples = new Map<string, SubjectMeasurement[]>();
    for (let round = 1; round <= rounds; round++) {
      for (const subject of definition.subjects) {
        log(`-- round ${round}/${rounds}: ${subject.label}`);
        const measurement = await definition.measure(subject, { log: (message) => log(`   ${message}`) });
        samples.set(subject.id, [...(samples.get(subject.id) ?? []), measurement]);
        log(`   ${JSON.stringify(measurement.values)}`);
      }
    }
    const subjects: SubjectResult[] = definition.subjects.map((subject) => ({
      ...subject,
      ...medianOf(samples.get(subject.id) ?? [], definition.metrics),
    }));
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
  await writeFile(MARKDOWN, renderMarkdown(await readResults(RESULTS), await readReports()));
  log(`wrote ${path.relative(process.cwd(), MARKDOWN)}`);
}

/** The median of each metric over the rounds; every round's figures and details are kept in `details`. */
function medianOf(
  measurements: readonly SubjectMeasurement[],
  metrics: readonly BenchmarkMetric[],
): SubjectMeasurement {
  const values: Record<string, number> = {};
  const details: Record<string, number | string> = {};
  for (const metric of metrics) {
    const figures = measurements.map((measurement) => measurement.values[metric.id]).filter((v) => v !== undefined);
    if (figures.length === 0) continue;
    const sorted = [...figures].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    values[metric.id] = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    details[`${metric.id} per round`] = figures
      .map((figure) => (figure >= 100 ? Math.round(figure) : Number(figure.toFixed(2))))
      .join(', ');
  }
  measurements.forEach((measurement, index) => {
    for (const [key, value] of Object.entries(measurement.details ?? {})) details[`round ${index + 1} ${key}`] = value;
  });
  return { values, details };
}

/** `--render` regenerates BENCHMARKS.md from the saved results and reports without measuring anything. */
async function render(): Promise<void> {
  await writeFile(MARKDOWN, renderMarkdown(await readResults(RESULTS), await readReports()));
  log(`wrote ${path.relative(process.cwd(), MARKDOWN)}`);
}

const args = process.argv.slice(2);
(args.includes('--render') ? render() : main(args)).catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
