/**
 * The blackjack table in the page. A hand: my receipt is checked as mine (my stake, my
 * commitment) before the seed is revealed; each `deal` shows my cards and the dealer's up card;
 * when the hand ends the outcome goes through the room's chain (proof, alpha, the deck from beta,
 * the moves and the dealer's play recomputed by the published mapping), and every card this page
 * was shown during the hand is checked against the verified deck, in the order dealt. Amounts are
 * typed and shown in chips and sent and recorded in units (`games/chips.ts`). Cards are drawn
 * as SVG (`art.ts`), totals and results are said in words and announced; keys: H hit, S stand,
 * D double, N deal.
 * @module
 */
import type { Room } from '@colyseus/sdk';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { nextSeed } from '../../client/src/seed-source.ts';
import type { HashedRecord, OutcomeRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Verdict } from '../../client/src/live-transcript.ts';
import { historyLine, markRow, markWithheld, receiptNote } from '../../client/src/marks.ts';
import type { GameView, GameViewContext } from '../../client/src/game-view.ts';
import { refusalSentence } from '../../client/src/refusal-text.ts';
import { cardName, type HandResult, type HandState } from './rules.ts';
import { formatChips, MIN_STAKE_UNITS, parseChips } from '../chips.ts';
import { announce } from '../../client/src/announce.ts';
import { isGameKey } from '../play-keys.ts';
import { BLACKJACK_CSS, cardArt, cardWords, CARD_BACK } from './art.ts';
import { chipWords, outcomeWords, rowOutcome, showCards, totalWords } from './table-text.ts';

type Receipt = ReceiptRecord & { hash: string };
/** What the room deals: the hand's state, and how many moves are recorded on it (the next move's `moveIndex`). */
type Deal = { drawSeq: number; moveCount: number } & HandState;
interface Hand {
  readonly drawSeq: number;
  /** In units. */
  readonly stake: number;
  /** Every deal this page was shown, in order: checked against the deck once it is published. */
  readonly shown: Deal[];
  readonly row: HTMLLIElement;
}

const MARKUP = `
  <style>${BLACKJACK_CSS}</style>
  <p>Balance: <strong data-bj="balance">?</strong> chips</p>
  <div class="felt" data-bj="table">
    <p class="hand-label">Dealer<span class="total" data-bj="dealer-total"></span></p>
    <div class="cards" data-bj="dealer"></div>
    <p class="hand-label">You<span class="total" data-bj="total"></span></p>
    <div class="cards" data-bj="player"></div>
    <p class="verdict" data-bj="verdict">Place a stake and deal.</p>
  </div>
  <form data-bj="bet-form" aria-label="your hand">
    <label>Stake <input data-bj="stake" type="number" min="${formatChips(MIN_STAKE_UNITS)}" step="0.01" value="10" inputmode="decimal" /> chips</label>
    <button data-bj="deal-button" type="submit" aria-keyshortcuts="N">Deal <kbd>N</kbd></button>
    <button data-bj="hit" type="button" disabled aria-keyshortcuts="H">Hit <kbd>H</kbd></button>
    <button data-bj="stand" type="button" disabled aria-keyshortcuts="S">Stand <kbd>S</kbd></button>
    <button data-bj="double" type="button" disabled aria-keyshortcuts="D">Double <kbd>D</kbd></button>
  </form>
  <p class="muted small">Dealer stands on soft 17, blackjack pays 3:2, double on your first two cards, no split. A hand you stop playing stands <span data-bj="hand-clock">after a minute</span>.</p>
  <ol class="rolls" data-bj="hands"></ol>`;

class BlackjackView implements GameView {
  #room!: Room;
  readonly #el: (name: string) => HTMLElement;
  #hand: Hand | undefined;
  #seed: { seed: string; commitment: string; stake: number } | undefined;
  readonly #onKey: (e: KeyboardEvent) => void;

  constructor(private readonly ctx: GameViewContext) {
    ctx.mount.innerHTML = MARKUP;
    this.#el = (name) => ctx.mount.querySelector<HTMLElement>(`[data-bj="${name}"]`)!;
    const handSeconds = ctx.keys.games['blackjack']?.terms['handSeconds'];
    if (typeof handSeconds === 'number') this.#el('hand-clock').textContent = `${handSeconds} s after the deal`;
    this.#el('bet-form').onsubmit = (e) => {
      e.preventDefault();
      const text = (this.#el('stake') as HTMLInputElement).value;
      let stake: number;
      try {
        stake = parseChips(text, 2); // whole cents: an even number of units, as the mapping asks
      } catch {
        return void this.#log(`not a stake: ${JSON.stringify(text)} (chips, up to 2 decimals)`);
      }
      this.#bet(stake);
    };
    for (const move of ['hit', 'stand', 'double'] as const) this.#el(move).onclick = () => this.#move(move);
    // H, S, D and N press the button they name, when it is enabled, from anywhere in the room but a text field.
    const keys: Record<string, string> = { h: 'hit', s: 'stand', d: 'double', n: 'deal-button' };
    this.#onKey = (e) => {
      const button = keys[e.key.toLowerCase()];
      if (!button || !isGameKey(e, ctx.mount)) return;
      e.preventDefault();
      (this.#el(button) as HTMLButtonElement).click();
    };
    window.addEventListener('keydown', this.#onKey);
    this.attach(ctx.room);
  }

  attach(room: Room): void {
    this.#room = room;
    const chain = this.ctx.chain;
    room.onMessage('receipt', (r: Receipt) => void this.#onReceipt(r, chain.record(r)));
    room.onMessage('deal', (d: Deal) => this.#onDeal(d));
    room.onMessage('move', (m: HashedRecord) => void chain.record(m).then((v) => this.#showFailure(v)));
    room.onMessage('record', (r: HashedRecord) => void chain.record(r).then((v) => this.#showFailure(v)));
    room.onMessage('outcome', (o: { record: OutcomeRecord; recordHash: string }) => void this.#onOutcome(o.record, chain.record({ ...o.record, hash: o.recordHash })));
    room.onMessage('void', (v: { drawSeq: number; reason: string; record: HashedRecord }) => void this.#onVoid(v, chain.record(v.record)));
    room.onMessage('error', (e: { code: string; message: string }) => {
      this.#log(refusalSentence(e, this.ctx.keys.games['blackjack']?.terms));
      if (!this.#hand) this.#seed = undefined;
      this.#buttons();
    });
    room.onStateChange((state: { balance: number }) => (this.#el('balance').textContent = formatChips(state.balance)));
  }

  close(): void {
    window.removeEventListener('keydown', this.#onKey);
    this.#hand = undefined;
    this.#seed = undefined;
  }

  #bet(stake: number): void {
    if (this.#hand || this.#seed) return;
    const seed = nextSeed();
    this.#seed = { seed, commitment: seedCommitment(seed), stake };
    this.#cards('dealer', []);
    this.#cards('player', []);
    this.#el('total').textContent = '';
    this.#el('dealer-total').textContent = '';
    this.#el('verdict').textContent = 'Shuffling…';
    this.#el('table').classList.remove('win', 'loss', 'push', 'verified', 'failed');
    this.#buttons();
    const { commitment } = this.#seed;
    void this.ctx.authorize({ kind: 'hand', action: { stake }, commitment }).then(
      (authorization) => this.#room.send('bet', { stake, commitment, authorization }),
      (e: Error) => {
        this.#seed = undefined;
        this.#buttons();
        this.#log(`hand not dealt: the bet could not be signed (${e.message})`);
      },
    );
  }

  async #onReceipt(receipt: Receipt, verdict: Promise<Verdict>): Promise<void> {
    const mine = this.#seed;
    if (!mine || receipt.commitments[0] !== mine.commitment) return void verdict.then((v) => this.#showFailure(v));
    const row = this.#log(`hand ${receipt.drawSeq}: shuffling…`);
    row.dataset['draw'] = String(receipt.drawSeq);
    const intended = { roomId: this.#room.roomId, game: 'blackjack', kind: 'hand', action: { stake: mine.stake }, address: this.ctx.address, commitment: mine.commitment, rulesHash: this.ctx.rulesHash };
    const [own, chained, refusal] = await Promise.all([this.ctx.verifier.receiptProblems({ keys: this.ctx.keys, receipt, intended }), verdict, this.ctx.revealRefusal(receipt)]);
    const problems = [...own, ...chained.problems];
    this.#seed = undefined;
    if (problems.length) return markRow(row, `hand ${receipt.drawSeq}: receipt refused, seed kept secret:`, problems);
    if (refusal) return (markWithheld(row, `hand ${receipt.drawSeq}: not played:`, refusal), this.#buttons());
    this.#hand = { drawSeq: receipt.drawSeq, stake: mine.stake, shown: [], row };
    this.ctx.court.revealing(receipt, mine.seed);
    this.#room.send('reveal', { drawSeq: receipt.drawSeq, seed: mine.seed });
  }

  #onDeal(deal: Deal): void {
    if (!this.#hand) this.#hand = { drawSeq: deal.drawSeq, stake: 0, shown: [], row: this.#log(`hand ${deal.drawSeq} (from before a reload or a drop)`) };
    if (deal.drawSeq !== this.#hand.drawSeq) return;
    this.#hand.shown.push(deal);
    this.#cards('dealer', deal.dealer ?? [deal.dealerUp, undefined]);
    this.#cards('player', deal.player);
    this.#el('dealer-total').textContent = deal.dealerTotal === undefined ? '' : `: ${deal.dealerTotal}`;
    this.#el('total').textContent = `: ${totalWords(deal.total, deal.soft)}${deal.doubled ? ', doubled' : ''}`;
    this.#el('verdict').textContent = deal.done ? 'Checking the deck…' : 'Your move: hit (H), stand (S) or double (D).';
    this.#hand.row.firstChild!.textContent = `hand ${deal.drawSeq}: ${deal.done ? `${deal.outcome}, checking…` : 'your move'}`;
    if (!deal.done) announce(`You have ${showCards(deal.player)}: ${totalWords(deal.total, deal.soft)}. The dealer shows ${cardWords(deal.dealerUp)}.`);
    this.#buttons(deal);
  }

  #move(move: 'hit' | 'stand' | 'double'): void {
    const hand = this.#hand;
    const last = hand?.shown.at(-1);
    if (!hand || !last) return;
    this.#buttons();
    // Signed as the hand's next move: the server records it only as that, so it cannot be replayed.
    void this.ctx.authorizeMove({ drawSeq: hand.drawSeq, moveIndex: last.moveCount, move }).then(
      (authorization) => this.#room.send('move', { drawSeq: hand.drawSeq, move, authorization }),
      (e: Error) => {
        this.#buttons(last);
        this.#log(`${move}: the move could not be signed (${e.message})`);
      },
    );
  }

  async #onOutcome(record: OutcomeRecord, verdict: Promise<Verdict>): Promise<void> {
    this.ctx.court.settled(record.drawSeq);
    const v = await verdict;
    const hand = this.#hand?.drawSeq === record.drawSeq ? this.#hand : undefined;
    const result = record.result as unknown as HandResult;
    // Every card the page was shown must be the verified deck's, dealt in order.
    const problems = [...v.problems, ...(hand ? shownProblems(hand.shown, result) : [])];
    const row = hand?.row ?? this.#log('');
    const staked = result.moves[0] === 'double' ? 2 : 1;
    markRow(
      row,
      `hand ${record.drawSeq}: you ${result.player.map(cardName).join(' ')} (${result.playerTotal}), dealer ${result.dealer.map(cardName).join(' ')} (${result.dealerTotal}): ${rowOutcome(result.outcome)}, paid ${chipWords(formatChips(result.payout))}${hand?.stake ? ` for a stake of ${chipWords(formatChips(hand.stake * staked))}` : ''}${receiptNote(v)}`,
      problems,
      v.unplaced,
    );
    row.dataset['payout'] = String(result.payout);
    const state = result.outcome === 'push' ? 'push' : result.payout > 0 ? 'win' : 'loss';
    row.classList.add(state);
    if (hand || !this.#hand) {
      // The table shows the hand as the verified record has it: every card, the dealer's hole card turned.
      this.#cards('player', result.player);
      this.#cards('dealer', result.dealer);
      this.#el('total').textContent = `: ${result.playerTotal}`;
      this.#el('dealer-total').textContent = `: ${result.dealerTotal}`;
      const verdict = outcomeWords(result.outcome, formatChips(result.payout));
      this.#el('verdict').textContent = `${verdict}${problems.length ? ' — verification FAILED' : v.unplaced ? ' — not verified yet' : ' — verified'}`;
      this.#el('table').classList.remove('win', 'loss', 'push', 'verified', 'failed');
      this.#el('table').classList.add(state, problems.length ? 'failed' : 'verified');
    }
    const checked = problems.length ? `Verification failed: ${problems.join('; ')}.` : v.unplaced ? 'Not verified yet.' : 'Verified.';
    announce(`Hand ${record.drawSeq}: you ${result.playerTotal}, dealer ${result.dealerTotal}: ${outcomeWords(result.outcome, formatChips(result.payout))}. ${checked}`);
    if (hand) this.#hand = undefined;
    this.#buttons();
    this.ctx.onSettled();
  }

  async #onVoid(v: { drawSeq: number; reason: string }, verdict: Promise<Verdict>): Promise<void> {
    this.ctx.court.voided(v.drawSeq, v.reason);
    const checked = await verdict;
    const row = this.#hand?.drawSeq === v.drawSeq ? this.#hand.row : this.#log('');
    markRow(row, `hand ${v.drawSeq} voided: ${v.reason}`, checked.problems, checked.unplaced);
    if (this.#hand?.drawSeq === v.drawSeq) this.#hand = undefined;
    this.#buttons();
  }

  #showFailure(v: Verdict): void {
    if (v.problems.length) markRow(this.#log(''), historyLine(v), v.problems);
  }

  #buttons(deal?: Deal): void {
    const legal = new Set(deal && !deal.done ? deal.legalMoves : []);
    for (const move of ['hit', 'stand', 'double'] as const) (this.#el(move) as HTMLButtonElement).disabled = !legal.has(move);
    (this.#el('deal-button') as HTMLButtonElement).disabled = Boolean(this.#hand || this.#seed);
    if (legal.size) (this.#el(legal.has('hit') ? 'hit' : 'stand') as HTMLButtonElement).focus();
  }

  /** Shows `cards` (undefined: a card face down) in the dealer's or the player's hand, dealing only the new ones. */
  #cards(who: 'dealer' | 'player', cards: readonly (number | undefined)[]): void {
    const box = this.#el(who);
    const keys = cards.map((c) => (c === undefined ? 'back' : String(c)));
    const shown = [...box.children].map((c) => (c as HTMLElement).dataset['card']);
    // Keep the cards already on the table (no second deal animation) when the hand only grew.
    const keep = shown.every((k, i) => k === keys[i]) ? shown.length : 0;
    if (!keep) box.replaceChildren();
    for (const key of keys.slice(keep)) {
      const span = document.createElement('span');
      span.dataset['card'] = key;
      span.innerHTML = key === 'back' ? CARD_BACK : cardArt(Number(key));
      box.append(span);
    }
  }

  #log(text: string): HTMLLIElement {
    const li = document.createElement('li');
    li.append(text);
    this.#el('hands').prepend(li);
    return li;
  }
}

export default (ctx: GameViewContext): GameView => new BlackjackView(ctx);

/** What is wrong with the cards this page was shown, given the verified hand: none when each was the deck's, in order. */
export function shownProblems(shown: readonly Deal[], result: HandResult): string[] {
  const problems: string[] = [];
  for (const d of shown) {
    if (d.dealerUp !== result.dealer[0]) problems.push(`the dealer's up card shown (${cardName(d.dealerUp)}) is not the deck's (${cardName(result.dealer[0]!)})`);
    if (d.player.some((c, i) => c !== result.player[i])) problems.push(`the cards shown (${d.player.map(cardName).join(' ')}) are not the deck's, dealt in order`);
    if (d.dealer && d.dealer.some((c, i) => c !== result.dealer[i])) problems.push("the dealer's cards shown are not the deck's");
  }
  return problems;
}
