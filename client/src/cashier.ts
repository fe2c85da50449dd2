/**
 * The cashier: the player's chips, starting bonus, wagering progress and what can be cashed out
 * (cashier-text.ts), and two forms: "Cash out N coins" (cashier-cash-out.ts: chips become coins
 * on the chain, minted to the player) and "Deposit N coins into chips" (cashier-deposit.ts: coins
 * burned on the chain, credited as chips once confirmed). After a deposit it reads the chips
 * every second until the credit shows.
 * @module
 */
import { getJson, type Fairness } from './api.ts';
import { newCashOut, pendingCashOut, sendCashOut } from './cashier-cash-out.ts';
import { cashierLines, checkCashOut, checkDeposit, coinsText, chipsText, type BonusTerms, type ChipsAnswer } from './cashier-text.ts';
import { el } from './inventory-dom.ts';
import type { Session } from './session.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const UNITS_PER_COIN = 1_000_000;
/** How long a deposit's credit is waited for on the page (the server credits it whenever it comes). */
const CREDIT_WAIT_MS = 120_000;

type State = 'working' | 'done' | 'refused';

export class Cashier {
  #answer: ChipsAnswer | undefined;
  /** Coins on the chain (token 1), as the server reads them; undefined when the chain did not answer. */
  #coins: bigint | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The bonus terms (`GET /economy/rules`), read once: a new address is told how its bonus comes. Undefined on an older server. */
  readonly #bonusTerms: Promise<BonusTerms | undefined> = getJson<BonusTerms>('/economy/rules').catch(() => undefined);
  readonly #lines = el('div', { id: 'cashier-lines' });
  readonly #cashOut = this.#form('cash-out', 'Cash out', 'coins to your address on the chain', (coins, say) => this.#sendCashOut(coins, say));
  readonly #deposit = this.#form('deposit', 'Deposit', 'coins into chips', (coins, say) => this.#sendDeposit(coins, say));

  constructor(
    private readonly session: Session,
    private readonly chain: Promise<Fairness['chain'] & { deposits?: string }>,
    /** Called when coins moved (a cash-out minted, a deposit burned): the inventory reads again. */
    private readonly moved: () => void,
  ) {
    const section = $('cashier');
    section.hidden = false;
    $('cashier-body').replaceChildren(this.#lines, this.#cashOut.form, this.#deposit.form);
  }

  /** Reads the chips (and the coins held) again and shows them. */
  async refresh(): Promise<ChipsAnswer> {
    const [answer, awards, terms] = await Promise.all([
      getJson<ChipsAnswer>(`/players/${this.session.address}/chips`),
      getJson<{ balances: Record<string, string> | null }>(`/players/${this.session.address}/awards`).catch(() => ({ balances: null })),
      this.#bonusTerms,
    ]);
    this.#answer = answer;
    this.#coins = awards.balances ? BigInt(awards.balances['1'] ?? '0') : undefined;
    const lines = cashierLines(answer, terms);
    if (this.#coins !== undefined) lines.push(`You hold ${coinsText(this.#coins)} on the chain: deposit them to play them as chips.`);
    this.#lines.replaceChildren(...lines.map((text) => el('p', { className: 'cashier-line', textContent: text })));
    this.#lines.dataset['balance'] = String(answer.balance);
    this.#cashOut.form.hidden = answer.withdrawableCoins === undefined;
    this.#deposit.form.hidden = (await this.chain).deposits === 'unavailable';
    return answer;
  }

  async #sendCashOut(text: string, say: (text: string, state: State, link?: string) => void): Promise<void> {
    const answer = this.#answer ?? (await this.refresh());
    // A cash-out whose answer was lost is sent again first, as the same request.
    let request = pendingCashOut(this.session.address);
    if (!request) {
      const checked = checkCashOut(text, answer);
      if ('problem' in checked) return say(checked.problem, 'refused');
      request = newCashOut(this.session.address, checked.coins);
    } else say(`Sending again your cash-out of ${coinsText(request.coins)} that got no answer (it is paid once only)…`, 'working');
    try {
      const result = await sendCashOut(this.session, request);
      if (!result.ok) return say(`The cash-out was refused: ${result.error}.`, 'refused');
      say(`Cashing out ${coinsText(result.coins)}: ${chipsText(result.coins * UNITS_PER_COIN)} left your chips, and the coins are being minted to your address (see the inventory).`, 'done');
      this.moved();
    } catch (e) {
      say(`No answer from the server (${(e as Error).message}); click again to send the same request: it is paid once only.`, 'refused');
    } finally {
      await this.refresh().catch(() => undefined);
    }
  }

  async #sendDeposit(text: string, say: (text: string, state: State, link?: string) => void): Promise<void> {
    // The coins held now: minted or sent since the last look.
    await this.refresh().catch(() => undefined);
    if (this.#coins === undefined) return say('Your coins on the chain cannot be read now; try again in a moment.', 'refused');
    const checked = checkDeposit(text, this.#coins);
    if ('problem' in checked) return say(checked.problem, 'refused');
    const before = (this.#answer ?? (await this.refresh())).balance;
    const chain = await this.chain;
    let hash: string | undefined;
    try {
      const { depositCoins } = await import('./cashier-deposit.ts');
      await depositCoins(chain, chain.gameAssets, this.session, checked.coins, (message, txHash) => {
        hash = txHash ?? hash;
        say(message, 'working', hash);
      });
    } catch (e) {
      const message = (e as Error).message || String(e);
      return say(/[.!?]$/.test(message) ? message : `The deposit did not go through: ${message}.`, 'refused', hash);
    }
    this.moved();
    say(`Deposited ${coinsText(checked.coins)}: your chips are credited once the chain confirms it.`, 'working', hash);
    const wanted = before + Number(checked.coins) * UNITS_PER_COIN;
    const deadline = Date.now() + CREDIT_WAIT_MS;
    const look = async (): Promise<void> => {
      const now = await this.refresh().catch(() => undefined);
      if (now && now.balance >= wanted) return say(`${coinsText(checked.coins)} credited as ${chipsText(Number(checked.coins) * UNITS_PER_COIN)}.`, 'done', hash);
      if (Date.now() > deadline) return say(`Deposited ${coinsText(checked.coins)}; the credit has not shown yet. It comes once the chain confirms the deposit: refresh later.`, 'done', hash);
      this.#timer = setTimeout(() => void look(), 1000);
    };
    clearTimeout(this.#timer);
    await look();
  }

  /** One of the two forms: a number of coins and a button, with its status line. */
  #form(id: string, verb: string, what: string, act: (coins: string, say: (text: string, state: State, link?: string) => void) => Promise<void>) {
    const amount = el('input', { id: `${id}-coins`, name: 'coins', type: 'number', min: '1', step: '1', value: '10', inputMode: 'numeric', className: 'cashier-amount' });
    const button = el('button', { type: 'submit', id: `${id}-submit`, textContent: verb });
    const status = el('p', { id: `${id}-status`, className: 'cashier-status', role: 'status' });
    status.setAttribute('aria-live', 'polite');
    const form = el('form', { className: 'cashier-form', noValidate: true }, el('label', { htmlFor: amount.id, textContent: `${verb} ` }, amount, ` ${what}`), ' ', button, status);
    const say = (text: string, state: State, txHash?: string) => {
      status.dataset['state'] = state;
      status.replaceChildren(text);
      if (txHash) status.append(' ', el('a', { href: `/tx/${txHash}`, target: '_blank', rel: 'noopener', textContent: 'See the transaction' }));
    };
    form.onsubmit = async (event) => {
      event.preventDefault();
      button.disabled = true;
      try {
        await act(amount.value, say);
      } finally {
        button.disabled = false;
      }
    };
    return { form };
  }
}
