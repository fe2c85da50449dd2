/**
 * An honest dice player who bets in a loop while an attack runs: every bet is revealed and its
 * outcome awaited, and the time from sending the bet to receiving the outcome is recorded. The
 * hostile tests print the percentiles; they assert that every bet was answered, not how fast
 * (speed targets live in `npm run bench`).
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { Gambler, randomWallet } from './gambler.ts';

/** One bet every this many ms at most. */
const BET_INTERVAL_MS = 200;

export interface HonestReport {
  /** Bets answered with an outcome. */
  readonly bets: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Anything that went wrong: a refusal or a lost connection. */
  readonly errors: string[];
}

export class HonestBettor {
  readonly #latencies: number[] = [];
  readonly #errors: string[] = [];
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  private constructor(readonly gambler: Gambler) {}

  /** Signs in a fresh wallet, creates a dice room and starts betting. */
  static async start(url: string): Promise<HonestBettor> {
    const bettor = new HonestBettor(await Gambler.enter(url, randomWallet()));
    bettor.#loop = bettor.#run();
    return bettor;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const sent = performance.now();
      try {
        const placed = await this.gambler.bet({ stake: UNITS_PER_CHIP, target: 5000, direction: 'under' });
        if ('refused' in placed) {
          this.#errors.push(`refused: ${placed.refused}`);
          return;
        }
        this.gambler.reveal(placed.receipt.drawSeq, placed.seed);
        await this.gambler.outcome(placed.receipt.drawSeq);
        this.#latencies.push(performance.now() - sent);
        // Two messages a bet: paced well under the default 20 messages a second a client may send.
        await new Promise((r) => setTimeout(r, BET_INTERVAL_MS - Math.min(BET_INTERVAL_MS, performance.now() - sent)));
      } catch (e) {
        this.#errors.push((e as Error).message);
        return;
      }
    }
  }

  /** Stops after the bet in flight and reports. */
  async stop(): Promise<HonestReport> {
    this.#stopped = true;
    await this.#loop;
    // Not awaited: the room files its transcript before it confirms the leave.
    void this.gambler.room.leave().catch(() => undefined);
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
    return { bets: sorted.length, p50: at(50), p99: at(99), max: sorted.at(-1) ?? NaN, errors: this.#errors };
  }
}

/** One line for a test's output: what the honest player saw. */
export function describeHonest(label: string, r: HonestReport): string {
  return `${label}: honest player ${r.bets} bets, bet-to-outcome p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''}`;
}
