/**
 * A tiny benchmark helper for a noisy box: warm up, then take several timed samples and report
 * the MEDIAN sample (not the mean). Cases that are compared with each other (a baseline and its
 * candidates) are measured together with {@link measureInterleaved}, which takes sample r of
 * every case from the same stretch of time by running the cases in turn in short slices, so
 * drift and bursts of noise (other processes, CPU steal) hit baselines and candidates alike;
 * {@link pairedRatio} then compares them round by round. No dependencies beyond Node.
 * @module
 */
import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
  /** Minimum length of one sample in milliseconds (default 400). */
  minMs?: number;
  /** Number of timed samples per case (default 5); the median is reported. */
  samples?: number;
  /** Length of one turn of a case within an interleaved round, in milliseconds (default 50). */
  sliceMs?: number;
  /** Warm-up time per case in milliseconds before any sample is taken (default 300). */
  warmupMs?: number;
}

/** One case: `fn` gets a counter that increases with every call, over warm-up and all samples. */
export interface BenchCase {
  name: string;
  fn: (i: number) => unknown;
}

export interface Measurement {
  name: string;
  /** Median of the samples, in operations per second. */
  opsPerSec: number;
  /** Every sample in operations per second, in the order taken. */
  samples: number[];
  /** (max - min) / median of the samples: a rough idea of the noise. */
  spread: number;
}

export const DEFAULT_MIN_MS = 400;
export const DEFAULT_SAMPLES = 5;
export const DEFAULT_WARMUP_MS = 300;
export const DEFAULT_SLICE_MS = 50;

/** Keeps results alive so the engine cannot drop the work that produced them. */
let sink: unknown;
export function lastSink(): unknown {
  return sink;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` until at least `ms` have passed. `counter` carries the call index across runs. */
function runFor(fn: (i: number) => unknown, ms: number, counter: { i: number }): { ops: number; ms: number } {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    sink = fn(counter.i++);
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return { ops: n, ms: elapsed };
}

/**
 * Measures every case in the same run, interleaved finely: after a warm-up of every case, each of
 * the `samples` rounds runs the cases in turn for `sliceMs` at a time (the order reversed on every
 * other pass) until each case has run for at least `minMs` in that round; a case's sample for the
 * round is its operations over its own time. Sample r of every case thus comes from the same
 * stretch of wall-clock time, so noise and drift hit baselines and candidates alike (see
 * {@link pairedRatio}). Returns the measurements in the order of `cases`.
 */
export function measureInterleaved(cases: readonly BenchCase[], opts: MeasureOptions = {}): Measurement[] {
  const minMs = opts.minMs ?? DEFAULT_MIN_MS;
  const rounds = opts.samples ?? DEFAULT_SAMPLES;
  const warmupMs = opts.warmupMs ?? DEFAULT_WARMUP_MS;
  const sliceMs = Math.min(opts.sliceMs ?? DEFAULT_SLICE_MS, minMs);
  if (!(minMs > 0) || !(rounds >= 1)) throw new Error('minMs must be > 0 and samples >= 1');
  const counters = cases.map(() => ({ i: 0 }));
  const samples: number[][] = cases.map(() => []);
  cases.forEach((c, k) => runFor(c.fn, warmupMs, counters[k]!));
  const forward = cases.map((_, k) => k);
  const backward = [...forward].reverse();
  for (let r = 0; r < rounds; r++) {
    const ops = cases.map(() => 0);
    const ms = cases.map(() => 0);
    for (let pass = 0; ms.some((t) => t < minMs); pass++) {
      for (const k of pass % 2 === 0 ? forward : backward) {
        if (ms[k]! >= minMs) continue;
        const slice = runFor(cases[k]!.fn, sliceMs, counters[k]!);
        ops[k]! += slice.ops;
        ms[k]! += slice.ms;
      }
    }
    cases.forEach((_, k) => samples[k]!.push((ops[k]! * 1000) / ms[k]!));
  }
  return cases.map((c, k) => {
    const s = samples[k]!;
    const med = median(s);
    return { name: c.name, opsPerSec: med, samples: s, spread: (Math.max(...s) - Math.min(...s)) / med };
  });
}

/**
 * candidate / baseline speed, sample by sample: both must come from the same
 * {@link measureInterleaved} call, whose sample r of every case was taken over the same time, so
 * each per-round ratio cancels most of the machine's noise. `ratio` is their median, `spread`
 * their (max - min) / median.
 */
export function pairedRatio(
  candidate: Measurement,
  baseline: Measurement,
): { ratio: number; perRound: number[]; spread: number } {
  if (candidate.samples.length !== baseline.samples.length)
    throw new Error(`${candidate.name} and ${baseline.name} were not measured in the same run`);
  const perRound = candidate.samples.map((c, r) => c / baseline.samples[r]!);
  const ratio = median(perRound);
  return { ratio, perRound, spread: (Math.max(...perRound) - Math.min(...perRound)) / ratio };
}

/** Measures one function: warm-up, then `samples` samples of >= `minMs` each; median ops/s. */
export function measure(name: string, fn: (i: number) => unknown, opts: MeasureOptions = {}): Measurement {
  return measureInterleaved([{ name, fn }], opts)[0]!;
}

/** A candidate measured against a baseline in one interleaved run, as the vrf and receipts sections print it. */
export interface RatioRow {
  /** Median sample. */
  opsPerSec: number;
  baseline: string;
  /** Median sample. */
  baselineOpsPerSec: number;
  /** Median of the per-round ratios (see `pairedRatio`); close to, not always equal to, the ratio of the two medians. */
  ratio: number;
  /** (max - min) / median of the per-round ratios. */
  ratioSpread: number;
  /** Minimum ratio, or null when the ratio is shown for information only. */
  target: number | null;
  met: boolean | null;
}

export type Align = 'left' | 'right';
export interface Column {
  header: string;
  align?: Align;
}

/** An aligned plain-text table (header, rule, rows), as one string without a final newline. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, k) => Math.max(c.header.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, k) => {
        const cell = cells[k] ?? '';
        return c.align === 'right' ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join(
    '\n',
  );
}

/** Prints {@link formatTable} to stdout. */
export function printTable(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  console.log(formatTable(columns, rows));
}

/** ops/s with a sensible number of digits: 12345 -> "12,345", 12.3456 -> "12.35". */
export function formatOps(opsPerSec: number): string {
  return opsPerSec >= 100
    ? Math.round(opsPerSec).toLocaleString('en-US')
    : opsPerSec.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
}

/** The columns a `RatioRow` fills, after a section's own leading columns. */
export const RATIO_COLUMNS: readonly Column[] = [
  { header: 'ops/s', align: 'right' },
  { header: 'baseline' },
  { header: 'baseline ops/s', align: 'right' },
  { header: 'ratio', align: 'right' },
  { header: 'target', align: 'right' },
  { header: 'result' },
  { header: 'ratio range', align: 'right' },
];

/** A `RatioRow`'s cells under `RATIO_COLUMNS`. */
export function ratioCells(r: RatioRow): string[] {
  return [
    formatOps(r.opsPerSec),
    r.baseline,
    formatOps(r.baselineOpsPerSec),
    r.ratio.toFixed(3),
    r.target === null ? '-' : `>= ${r.target.toFixed(2)}`,
    r.met === null ? 'info' : r.met ? 'PASS' : 'FAIL',
    `±${((r.ratioSpread / 2) * 100).toFixed(1)}%`,
  ];
}
