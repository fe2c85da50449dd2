/**
 * The dice table: bets over/under, and every receipt and outcome checked in the worker before
 * it is shown, with a verified mark or a failure that names the check. The receipt is checked
 * before the seed is revealed: a receipt that fails is never answered.
 * @module
 */
import type { Room } from '@colyseus/sdk';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import type { OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Fairness } from './api.ts';
import type { Verifier } from './verifier.ts';

type Direction = 'under' | 'over';
interface Bet {
  stake: number;
  target: number;
  direction: Direction;
}
type Receipt = ReceiptRecord & { hash: string };
interface Outcome {
  record: OutcomeRecord & { result: { roll: number; win: boolean; payout: number } };
  recordHash: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class DiceView {
  /** The newest record of this room the page has checked: the next one must chain onto it. */
  #last: { seq: number; hash: string } | undefined;
  readonly #waiting = new Map<string, (r: Receipt) => void>();
  readonly #outcomes = new Map<number, (o: Outcome) => void>();
  /** Ends the bet under way when the server refuses it or voids it. */
  #abort: ((reason: string) => void) | undefined;
  /** Draws whose seed this page revealed: a void of one of them is the server's misconduct or a crash. */
  readonly #revealed = new Set<number>();
  #busy = false;

  constructor(
    private readonly room: Room,
    private readonly address: string,
    private readonly keys: Fairness,
    private readonly verifier: Verifier,
    private readonly onSettled: () => void,
  ) {
    room.onMessage('receipt', (r: Receipt) => this.#waiting.get(r.commitments[0]!)?.(r));
    room.onMessage('outcome', (o: Outcome) => this.#outcomes.get(o.record.drawSeq)?.(o));
    room.onMessage('void', (v: { drawSeq: number; reason: string }) => {
      const li = this.#row(v.drawSeq);
      if (this.#revealed.has(v.drawSeq)) this.#mark(li, [`voided after this page revealed its seed ("${v.reason}"): the server knows the seed and could re-roll`], `draw ${v.drawSeq}:`);
      else li.replaceChildren(`draw ${v.drawSeq} voided: ${v.reason}`);
      this.#abort?.(`voided: ${v.reason}`);
    });
    room.onMessage('error', (e: { code: string; message: string }) => {
      this.#status(`refused: ${e.code}: ${e.message}`);
      this.#abort?.(e.message);
    });
    room.onStateChange((state: { players: Map<string, { balance: number }> }) => {
      const me = state.players.get(this.address);
      if (me) $('balance').textContent = String(me.balance);
    });
    $('dice-room-id').textContent = room.roomId;
    const target = $<HTMLInputElement>('target');
    const odds = () => {
      $('target-out').textContent = target.value;
      const t = Number(target.value);
      const wins = this.#direction() === 'under' ? t : 9999 - t;
      $('odds').textContent = `win chance ${(wins / 100).toFixed(2)}%, house edge ${keys.dice.houseEdgeBps / 100}%`;
    };
    target.oninput = odds;
    document.querySelectorAll<HTMLInputElement>('input[name=direction]').forEach((r) => (r.onchange = odds));
    odds();
    $<HTMLFormElement>('bet-form').onsubmit = (e) => {
      e.preventDefault();
      if (!this.#busy) void this.play({ stake: Number($<HTMLInputElement>('stake').value), target: Number(target.value), direction: this.#direction() });
    };
  }

  #direction(): Direction {
    return (document.querySelector<HTMLInputElement>('input[name=direction]:checked')?.value ?? 'under') as Direction;
  }

  #status(text: string): void {
    const li = document.createElement('li');
    li.textContent = text;
    $('rolls').prepend(li);
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

  #chainProblems(record: { seq: number; prev: string }, hash: string): string[] {
    const problems = this.#last && record.seq === this.#last.seq + 1 && record.prev !== this.#last.hash ? ['hash chain broken: prev is not the record before'] : [];
    if (!this.#last || record.seq > this.#last.seq) this.#last = { seq: record.seq, hash };
    return problems;
  }

  #mark(li: HTMLElement, problems: string[], text: string): void {
    const mark = document.createElement('span');
    mark.className = problems.length ? 'mark fail' : 'mark ok';
    mark.textContent = problems.length ? `✗ FAILED: ${problems.join('; ')}` : '✓ verified';
    li.dataset['verified'] = problems.length ? 'false' : 'true';
    li.replaceChildren(`${text} `, mark);
  }

  /** Waits for the server's answer; a refusal, a void or 20 s of silence ends the bet. */
  #answer<T>(register: (resolve: (v: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the server in 20 s')), 20_000);
      this.#abort = (reason) => (clearTimeout(timer), reject(new Error(reason)));
      register((v) => (clearTimeout(timer), resolve(v)));
    }).finally(() => (this.#abort = undefined));
  }

  async play(bet: Bet): Promise<void> {
    this.#busy = true;
    try {
      await this.#play(bet);
    } catch {
      // Refused, voided or unanswered: already shown; the table takes the next bet.
    } finally {
      this.#busy = false;
    }
  }

  async #play(bet: Bet): Promise<void> {
    const seed = newSeed();
    const commitment = seedCommitment(seed);
    const receipt = await this.#answer<Receipt>((resolve) => {
      this.#waiting.set(commitment, resolve);
      this.room.send('bet', { ...bet, commitment });
    }).finally(() => this.#waiting.delete(commitment));
    const li = this.#row(receipt.drawSeq);
    const intended = { roomId: this.room.roomId, game: 'dice', kind: 'roll', action: { ...bet }, address: this.address, commitment };
    const receiptIssues = [
      ...(await this.verifier.check({ kind: 'receipt', keys: this.keys, receipt, intended, published: { edgeBps: this.keys.dice.houseEdgeBps } })),
      ...this.#chainProblems(receipt, receipt.hash),
    ];
    if (receiptIssues.length) return this.#mark(li, receiptIssues, `draw ${receipt.drawSeq}: receipt refused, seed kept secret:`);
    li.textContent = `draw ${receipt.drawSeq}: rolling…`;
    const outcome = await this.#answer<Outcome>((resolve) => {
      this.#outcomes.set(receipt.drawSeq, resolve);
      this.#revealed.add(receipt.drawSeq);
      this.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
    }).finally(() => this.#outcomes.delete(receipt.drawSeq));
    const problems = [
      ...(await this.verifier.check({ kind: 'outcome', keys: this.keys, receipt, outcome: outcome.record, hash: outcome.recordHash })),
      ...this.#chainProblems(outcome.record, outcome.recordHash),
    ];
    const { roll, win, payout } = outcome.record.result;
    li.dataset['payout'] = String(payout);
    li.dataset['stake'] = String(bet.stake);
    this.#mark(li, problems, `draw ${receipt.drawSeq}: rolled ${roll} (${bet.direction} ${bet.target}) ${win ? `win, paid ${payout}` : 'lose'}`);
    this.onSettled();
  }
}
