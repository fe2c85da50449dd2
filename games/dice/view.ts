/**
 * The dice table: bets over/under. Every record the room sends goes through the room's chain in
 * the verification worker; my receipt is also checked as mine (my bet, my commitment) before the
 * seed is revealed, so a receipt that fails is never answered. Each draw shows a verified mark
 * or a failure that names the check. Amounts are typed and shown in chips and sent and recorded in
 * units (`games/chips.ts`). The stage (`roll-display.ts`) tumbles from the moment a bet is sent and
 * lands only on a verified outcome's roll; every result is also announced in one sentence. Enter
 * or R rolls from anywhere in the room but a text field outside the form.
 * @module
 */
import type { Room } from '@colyseus/sdk';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { nextSeed } from '../../client/src/seed-source.ts';
import type { HashedRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { payoutOnWin, winningRolls } from './rules.ts';
import { formatChips, MIN_STAKE_UNITS, UNITS_PER_CHIP } from '../chips.ts';
import { announce } from '../../client/src/announce.ts';
import { isGameKey } from '../play-keys.ts';
import { DICE_CSS } from './art.ts';
import { RollDisplay } from './roll-display.ts';
import { Autobet, AUTOBET_MARKUP, type BetResult } from './autobet.ts';
import { multiplier, outcomeWords, resultLine, resultSentence, stakeUnits, targetInWords, targetRange, type Bet, type Direction } from './bet-text.ts';
import type { Verdict } from '../../client/src/live-transcript.ts';
import { historyLine, markRow, markWithheld, receiptNote } from '../../client/src/marks.ts';
import type { GameView, GameViewContext } from '../../client/src/game-view.ts';
import { refusalSentence, type RoomRefusal } from '../../client/src/refusal-text.ts';

type Receipt = ReceiptRecord & { hash: string };
type DiceOutcome = OutcomeRecord & { result: { roll: number; win: boolean; payout: number } };
/** A record as heard, with its verdict from the room's chain (on its way). */
interface Heard<T> {
  record: T;
  verdict: Promise<Verdict>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const MARKUP = `
  <style>${DICE_CSS}</style>
  <p>Balance: <strong id="balance">?</strong> chips</p>
  <figure id="dice-stage" class="dice-stage"></figure>
  <form id="bet-form" novalidate aria-label="your bet">
    <label>Stake <input id="stake" type="number" min="${formatChips(MIN_STAKE_UNITS)}" step="0.01" value="10" inputmode="decimal" /> chips</label>
    <label>Target <input id="target" type="range" min="${targetRange('under').min}" max="${targetRange('under').max}" step="50" value="5000" /><output id="target-out" for="target">5000</output></label>
    <fieldset>
      <legend>You win when the roll is</legend>
      <label><input type="radio" name="direction" value="under" checked /> under the target</label>
      <label><input type="radio" name="direction" value="over" /> over the target</label>
    </fieldset>
    <p class="muted small" id="odds" aria-live="off"></p>
    <button id="roll" type="submit" aria-keyshortcuts="Enter R">Roll <span class="small">(Enter or R)</span></button>
  </form>
  ${AUTOBET_MARKUP}
  <ol id="rolls" class="rolls"></ol>`;

class DiceView implements GameView {
  #room!: Room;
  readonly #waiting = new Map<string, (r: Heard<Receipt>) => void>();
  readonly #outcomes = new Map<number, (o: Heard<DiceOutcome>) => void>();
  /** Ends the bet under way when the server refuses it or voids it, or the page leaves the room. */
  #abort: ((reason: string) => void) | undefined;
  /** Draws whose seed this page revealed: a void of one of them is the server's misconduct or a crash. */
  readonly #revealed = new Set<number>();
  #busy = false;
  readonly #display: RollDisplay;
  readonly #onKey: (e: KeyboardEvent) => void;

  constructor(private readonly ctx: GameViewContext) {
    ctx.mount.innerHTML = MARKUP;
    this.#display = new RollDisplay($('dice-stage'));
    this.attach(ctx.room);
    const target = $<HTMLInputElement>('target');
    const stake = $<HTMLInputElement>('stake');
    const odds = () => {
      $('target-out').textContent = target.value;
      const bet = { target: Number(target.value), direction: this.#direction() };
      const wins = winningRolls(bet);
      const edgeBps = this.#edgeBps();
      const units = stakeUnits(stake.value);
      const payout = units === undefined ? undefined : payoutOnWin({ ...bet, stake: units, edgeBps });
      // A stake over the published largest bet would be refused: say so rather than promise its payout.
      const maxBet = Number(this.ctx.keys.games['dice']?.terms?.['maxBet']);
      const tooBig = units !== undefined && Number.isFinite(maxBet) && units > maxBet * UNITS_PER_CHIP;
      const pays = tooBig
        ? `, but the largest bet is ${maxBet.toLocaleString('en-US', { maximumFractionDigits: 2 })} chips`
        : units === undefined || payout === undefined ? '' : `, a win pays ${formatChips(payout)} chips (profit ${formatChips(payout - units)} chips)`;
      const chance = `${(wins / 100).toFixed(2)}%`;
      target.setAttribute('aria-valuetext', targetInWords(bet.target, bet.direction, wins));
      this.#display.showRange(bet.target, bet.direction);
      $('odds').textContent = `win chance ${chance}, multiplier ×${multiplier(edgeBps, wins)}${pays}, house edge ${edgeBps / 100}%`;
    };
    // The slider offers only targets the server takes: a win chance of 1% to 98% either way.
    const bounds = () => {
      const { min, max } = targetRange(this.#direction());
      Object.assign(target, { min: String(min), max: String(max) });
      odds();
    };
    target.oninput = odds;
    stake.oninput = odds;
    document.querySelectorAll<HTMLInputElement>('input[name=direction]').forEach((r) => (r.onchange = bounds));
    odds();
    /** The form's bet, or undefined (said in the history) when its stake cannot be read. */
    const formBet = (): Bet | undefined => {
      const units = stakeUnits(stake.value);
      if (units === undefined) return void this.#status(`${JSON.stringify(stake.value)} is not a stake: type an amount of chips with at most 2 decimals.`);
      return { stake: units, target: Number(target.value), direction: this.#direction() };
    };
    const autobet = new Autobet(async () => {
      const bet = formBet();
      return bet && this.play(bet);
    });
    $<HTMLFormElement>('bet-form').onsubmit = (e) => {
      e.preventDefault();
      if (this.#busy || autobet.running) return;
      const bet = formBet();
      if (bet) void this.play(bet);
    };
    // Enter or R rolls from anywhere in the room: not while typing in a field outside the form
    // (typing in the form's own fields, Enter submits it), nor on a button or link Enter would press.
    this.#onKey = (e) => {
      const k = e.key.toLowerCase();
      if ((k !== 'enter' && k !== 'r') || !isGameKey(e, ctx.mount)) return;
      if (k === 'enter' && e.target instanceof Element && e.target.closest('button, a, summary, [role=button]')) return;
      e.preventDefault();
      $<HTMLFormElement>('bet-form').requestSubmit();
    };
    window.addEventListener('keydown', this.#onKey);
  }

  /** Listens to the room: the one joined, or the one a reconnection gave back. */
  attach(room: Room): void {
    this.#room = room;
    const heard = <T>(record: T, hash?: string): Heard<T> => ({ record, verdict: this.ctx.chain.record(hash ? { ...record, hash } : record) });
    room.onMessage('receipt', (r: Receipt) => {
      const h = heard(r);
      const mine = this.#waiting.get(r.commitments[0]!);
      if (mine) mine(h);
      else void h.verdict.then((v) => this.#showFailure(v));
    });
    room.onMessage('outcome', (o: { record: DiceOutcome; recordHash: string }) => {
      const h = heard(o.record, o.recordHash);
      const mine = this.#outcomes.get(o.record.drawSeq);
      if (mine) mine(h);
      else void this.#showOutcome(h); // a draw of mine from before a reload or a drop
    });
    room.onMessage('void', (v: { drawSeq: number; reason: string; record?: HashedRecord }) => void this.#onVoid(v));
    // Every record of the room, once the room sends them to all (see the client README notes).
    room.onMessage('record', (r: HashedRecord) => void this.ctx.chain.record(r).then((v) => this.#showFailure(v)));
    room.onMessage('error', (e: RoomRefusal) => {
      const sentence = refusalSentence(e, this.ctx.keys.games['dice']?.terms);
      const li = this.#status(sentence);
      li.dataset['refused'] = e.code;
      this.#display.reset(`Not rolled: ${sentence}`);
      announce(`Not rolled: ${sentence}`);
      this.#abort?.(e.message);
    });
    room.onStateChange((state: { players: Map<string, { balance: number }> }) => {
      const me = state.players.get(this.ctx.address);
      if (me) $('balance').textContent = formatChips(me.balance);
    });
  }

  close(): void {
    window.removeEventListener('keydown', this.#onKey);
    this.#display.stop();
    this.#abort?.('left the room');
    $<HTMLFormElement>('bet-form').onsubmit = (e) => e.preventDefault();
  }

  /** The house edge of the pinned dice rules, which every bet signs for (by their hash). */
  #edgeBps(): number {
    return Number(this.ctx.keys.rules?.['dice']?.terms['edgeBps']);
  }

  #direction(): Direction {
    return (document.querySelector<HTMLInputElement>('input[name=direction]:checked')?.value ?? 'under') as Direction;
  }

  #status(text: string): HTMLLIElement {
    const li = document.createElement('li');
    li.textContent = text;
    $('rolls').prepend(li);
    return li;
  }

  #row(drawSeq: number): HTMLElement {
    let li = document.querySelector<HTMLElement>(`#rolls li[data-draw="${drawSeq}"]`);
    if (!li) {
      li = document.createElement('li');
      li.dataset['draw'] = String(drawSeq);
      $('rolls').prepend(li);
    }
    return li;
  }

  /** A record no bet of this page waits for: shown only if it fails. */
  #showFailure(v: Verdict): void {
    if (v.problems.length) markRow(this.#status(''), historyLine(v), v.problems);
  }

  async #onVoid(v: { drawSeq: number; reason: string; record?: HashedRecord }): Promise<void> {
    this.ctx.court.voided(v.drawSeq, v.reason);
    const verdict = v.record ? await this.ctx.chain.record(v.record) : undefined;
    const li = this.#row(v.drawSeq);
    const problems = [...(verdict?.problems ?? [])];
    if (this.#revealed.has(v.drawSeq)) problems.push(`voided after this page revealed its seed ("${v.reason}"): the server knows the seed and could re-roll; take it to the reveal court below`);
    if (problems.length || verdict) markRow(li, `draw ${v.drawSeq} voided: ${v.reason}`, problems, verdict?.unplaced);
    else li.replaceChildren(`draw ${v.drawSeq} voided: ${v.reason}`);
    this.#abort?.(`voided: ${v.reason}`);
  }

  async #showOutcome({ record, verdict }: Heard<DiceOutcome>, bet?: Bet): Promise<BetResult> {
    this.ctx.court.settled(record.drawSeq);
    const v = await verdict;
    const { roll, win, payout } = record.result;
    const action = (v.receipt?.action ?? bet ?? {}) as Partial<Bet>;
    const li = this.#row(record.drawSeq);
    li.dataset['payout'] = String(payout);
    if (action.stake !== undefined) li.dataset['stake'] = String(action.stake);
    const line = resultLine(record.drawSeq, roll, action, win ? payout : undefined);
    markRow(li, `${line}${receiptNote(v)}`, v.problems, v.unplaced);
    li.classList.add(win ? 'win' : 'loss');
    // Lands only now, on the roll of the record the verification worker checked.
    const paid = win ? payout : undefined;
    this.#display.land(roll, win, v.problems.length ? 'failed' : v.unplaced ? 'unplaced' : 'verified', outcomeWords(roll, action, paid));
    announce(resultSentence(roll, action, paid, v.problems));
    this.ctx.onSettled();
    return { stake: action.stake ?? 0, payout, problems: v.problems };
  }

  /** Waits for the server's answer; a refusal, a void, leaving or 20 s of silence ends the bet. */
  #answer<T>(register: (resolve: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the server in 20 s')), 20_000);
      this.#abort = (reason) => (clearTimeout(timer), reject(new Error(reason)));
      register((v) => (clearTimeout(timer), resolve(v)));
    }).finally(() => (this.#abort = undefined));
  }

  /** Plays one bet to its end: what came of it, or undefined when it was not played to an outcome. */
  async play(bet: Bet): Promise<BetResult | undefined> {
    this.#busy = true;
    this.#display.roll();
    try {
      return await this.#play(bet);
    } catch (e) {
      // Refused, voided or unanswered: already shown in the history; the table takes the next bet.
      this.#display.reset(`Not rolled: ${(e as Error).message}`);
      return undefined;
    } finally {
      this.#display.reset('No roll: see the history below.');
      this.#busy = false;
    }
  }

  async #play(bet: Bet): Promise<BetResult | undefined> {
    const seed = nextSeed();
    const commitment = seedCommitment(seed);
    // The player asks for exactly the action the receipt must hold, under the pinned rules (their hash pins the edge).
    const authorization = await this.ctx.authorize({ kind: 'roll', action: { ...bet }, commitment });
    const receipt = await this.#answer<Heard<Receipt>>((resolve) => {
      this.#waiting.set(commitment, resolve);
      this.#room.send('bet', { ...bet, commitment, authorization });
    }).finally(() => this.#waiting.delete(commitment));
    const { drawSeq } = receipt.record;
    const li = this.#row(drawSeq);
    const intended = { roomId: this.#room.roomId, game: 'dice', kind: 'roll', action: { ...bet }, address: this.ctx.address, commitment, rulesHash: this.ctx.rulesHash };
    const [mine, chained, refusal] = await Promise.all([
      this.ctx.verifier.receiptProblems({ keys: this.ctx.keys, receipt: receipt.record, intended }),
      receipt.verdict,
      this.ctx.revealRefusal(receipt.record),
    ]);
    const problems = [...mine, ...chained.problems];
    if (problems.length) return void markRow(li, `draw ${drawSeq}: receipt refused, seed kept secret:`, problems);
    if (refusal) return void markWithheld(li, `draw ${drawSeq}: not played:`, refusal);
    li.textContent = `draw ${drawSeq}: rolling…`;
    const outcome = await this.#answer<Heard<DiceOutcome>>((resolve) => {
      this.#outcomes.set(drawSeq, resolve);
      this.#revealed.add(drawSeq);
      // Kept in the tab before the seed leaves it: the evidence for the reveal court if the draw is voided.
      this.ctx.court.revealing(receipt.record, seed);
      this.#room.send('reveal', { drawSeq, seed });
    }).finally(() => this.#outcomes.delete(drawSeq));
    return this.#showOutcome(outcome, bet);
  }
}

export default (ctx: GameViewContext): GameView => new DiceView(ctx);
