/**
 * What the load tool counts while bots play: clients connected, draws, reveal-to-outcome and
 * raid patch latencies, errors by kind. One `LoadStats` per run; `window()` starts a new
 * measurement window (latencies and draws), as the capacity mode does at each step.
 * @module
 */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export class LoadStats {
  connected = 0;
  draws = 0;
  errors = 0;
  /** Dice wins that paid more than the stake. */
  bigWins = 0;
  /** Dice bots that stopped with less than a chip. */
  broke = 0;
  revealToOutcome: number[] = [];
  /** Raid rooms only: now minus the room's server clock in each patch that moved it. */
  patch: number[] = [];
  readonly errorKinds = new Map<string, number>();
  /** False once the run ends: bots finish their turn and stop. */
  running = true;

  error(kind: string): void {
    this.errors++;
    this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
  }

  /** Starts a measurement window: latencies and draw counts from now on. */
  window(): void {
    this.revealToOutcome.length = 0;
    this.patch.length = 0;
    this.draws = 0;
  }

  /** Keeps the percentile buffers bounded on long runs: a uniform thinning keeps their shape. */
  thin(): void {
    for (const values of [this.revealToOutcome, this.patch]) if (values.length > 200_000) values.splice(0, values.length, ...values.filter((_, i) => i % 2 === 0));
  }

  errorSummary(): string {
    return `${this.errors}${this.errorKinds.size ? ` (${[...this.errorKinds].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
