/**
 * What a benchmark is: a file in `benchmarks/` (`<name>.bench.ts`) whose default export is a `BenchmarkDefinition`.
 * `run.ts` finds it, measures every subject in turn, computes the ratios against the anchors measured in the same run,
 * writes `results/<name>.json` and regenerates `BENCHMARKS.md` from every results file.
 */

export type SubjectRole =
  /** What we are measuring (streamkit). */
  | 'measured'
  /** Another implementation measured in the same run, to compare with (kinesis-local, kinesalite). */
  | 'anchor'
  /** The physical limit of the benchmark itself: a server that answers at once with a canned response. */
  | 'ceiling';

export interface BenchmarkSubject {
  readonly id: string;
  readonly label: string;
  readonly role: SubjectRole;
  /**
   * For a measured subject, the id of the ceiling it is compared with (the same transport, for instance).
   * @default - the first ceiling subject
   */
  readonly ceiling?: string;
}

export interface BenchmarkMetric {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  /** The figure the measured subject must reach (or stay under, when lower is better), if the issue sets one. */
  readonly target?: number;
  /** Durations: lower is better, and ratios say how many times faster. @default false - higher is better */
  readonly lowerIsBetter?: boolean;
  /** Decimals the report prints the figures with. @default 0 */
  readonly decimals?: number;
  /**
   * A published figure to compare with when the thing it measured cannot run here (the archived original): kept as
   * given, never measured in the run, and the report says where it comes from.
   */
  readonly reference?: { readonly id: string; readonly label: string; readonly value: number; readonly source: string };
}

/** One subject's figures: metric id → value (in the metric's unit), plus anything worth keeping next to them. */
export interface SubjectMeasurement {
  readonly values: Readonly<Record<string, number>>;
  readonly details?: Readonly<Record<string, number | string>>;
}

export interface BenchmarkContext {
  /** Logs a progress line (to stderr; results go to files). */
  log(message: string): void;
}

export interface BenchmarkDefinition {
  readonly name: string;
  readonly title: string;
  /** How it is measured, as Markdown paragraphs for BENCHMARKS.md. */
  readonly method: readonly string[];
  readonly metrics: readonly BenchmarkMetric[];
  readonly subjects: readonly BenchmarkSubject[];
  /**
   * How many times every subject is measured, in interleaved rounds (each round measures every subject once), so that
   * other work on the machine falls on all subjects alike. The report gives the median of the rounds.
   * @default 3
   */
  readonly rounds?: number;
  /** Measures one subject: starts what it needs (in other processes), drives it, stops it. */
  measure(subject: BenchmarkSubject, context: BenchmarkContext): Promise<SubjectMeasurement>;
}

export function defineBenchmark(definition: BenchmarkDefinition): BenchmarkDefinition {
  return definition;
}
