/**
 * Autobet: the dice table plays the bet in the form again and again, each bet a draw of its own
 * (its own seed, receipt, reveal and checks, exactly as a click), until the number of bets is
 * done, a stop on profit or loss is reached, the player presses Stop, or a bet is not played or
 * fails its checks. A failed check always stops it: a page never keeps betting on a server it has
 * caught out.
 * @module
 */
import { formatChips } from '../chips.ts';
import { stakeUnits } from './bet-text.ts';

/** What came of one bet, as the table saw it: undefined when it was not played to a verified end. */
export interface BetResult {
  readonly stake: number;
  readonly payout: number;
  readonly problems: readonly string[];
}

export const AUTOBET_MARKUP = `
  <details id="autobet" class="autobet">
    <summary>Autobet: play this bet again and again</summary>
    <div class="autobet-fields">
      <label>Bets <input id="autobet-count" type="number" min="1" max="1000" step="1" value="10" inputmode="numeric" /></label>
      <label>Stop once up by <input id="autobet-profit" type="number" min="0" step="0.01" placeholder="no limit" inputmode="decimal" /> chips</label>
      <label>Stop once down by <input id="autobet-loss" type="number" min="0" step="0.01" placeholder="no limit" inputmode="decimal" /> chips</label>
      <button id="autobet-start" type="button">Start autobet</button>
    </div>
    <p id="autobet-status" class="muted small" role="status"></p>
    <p class="muted small">Each bet is a draw of its own, checked in this page like any other; a bet that fails a check stops the run.</p>
  </details>`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Runs the bets; `play` plays the form's bet once and says what came of it. */
export class Autobet {
  #running = false;
  #stopAsked = false;

  constructor(private readonly play: () => Promise<BetResult | undefined>) {
    $('autobet-start').onclick = () => (this.#running ? (this.#stopAsked = true) : void this.run());
  }

  get running(): boolean {
    return this.#running;
  }

  /** Why the fields cannot start a run, in a sentence, or the run's limits. */
  #limits(): string | { count: number; profit?: number; loss?: number } {
    const count = Number($<HTMLInputElement>('autobet-count').value);
    if (!Number.isInteger(count) || count < 1 || count > 1000) return 'The number of bets must be a whole number from 1 to 1000.';
    const limit = (id: string, what: string): number | undefined | string => {
      const raw = $<HTMLInputElement>(id).value.trim();
      if (raw === '') return undefined;
      return stakeUnits(raw) ?? `"${raw}" is not an amount of chips to stop ${what} at: type chips with at most 2 decimals, or leave it empty.`;
    };
    const profit = limit('autobet-profit', 'a profit');
    const loss = limit('autobet-loss', 'a loss');
    if (typeof profit === 'string') return profit;
    if (typeof loss === 'string') return loss;
    return { count, ...(profit === undefined ? {} : { profit }), ...(loss === undefined ? {} : { loss }) };
  }

  async run(): Promise<void> {
    const status = $('autobet-status');
    const limits = this.#limits();
    if (typeof limits === 'string') return void (status.textContent = limits);
    const button = $<HTMLButtonElement>('autobet-start');
    this.#running = true;
    this.#stopAsked = false;
    delete status.dataset['ended'];
    button.textContent = 'Stop autobet';
    let played = 0;
    let net = 0;
    let why = `all ${limits.count} bets played`;
    try {
      while (played < limits.count) {
        if (this.#stopAsked) {
          why = 'stopped';
          break;
        }
        const result = await this.play();
        if (!result) {
          why = 'a bet was not played (see the history)';
          break;
        }
        played++;
        net += result.payout - result.stake;
        status.textContent = `${played} of ${limits.count} bets played, ${net >= 0 ? 'up' : 'down'} ${formatChips(Math.abs(net))} chips…`;
        status.dataset['played'] = String(played);
        if (result.problems.length) {
          why = 'a bet failed its checks (see the history)';
          break;
        }
        if (limits.profit !== undefined && net >= limits.profit) {
          why = `up by ${formatChips(net)} chips, the profit to stop at`;
          break;
        }
        if (limits.loss !== undefined && -net >= limits.loss) {
          why = `down by ${formatChips(-net)} chips, the loss to stop at`;
          break;
        }
      }
    } finally {
      this.#running = false;
      button.textContent = 'Start autobet';
      status.textContent = `Autobet ended: ${why}. ${played} ${played === 1 ? 'bet' : 'bets'} played, ${net >= 0 ? 'up' : 'down'} ${formatChips(Math.abs(net))} chips.`;
      status.dataset['played'] = String(played);
      status.dataset['ended'] = 'true';
    }
  }
}
