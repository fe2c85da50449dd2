/**
 * One token's card in the inventory: its picture, its name counted ("3 coins"), its id, the
 * amount the chain holds for the player and the contract; under it, folded, the awards of that
 * token newest first (each with its status in words, its transaction page and its source: the
 * draw that found it, or a cash-out of chips), and the send form. The card is built once and updated in place, so a refresh keeps an
 * open fold and a half-typed address.
 * @module
 */
import type { AwardView } from './api.ts';
import { el, shortAddress } from './inventory-dom.ts';
import { countOf, ITEM_FACTS, tokenName } from './inventory-names.ts';
import { sendForm, type SendContext } from './inventory-send.ts';
import { tokenArt } from './token-art.ts';

/** An award's status in words. */
export function awardStatus(a: AwardView): string {
  if (a.status === 'minted') return 'minted';
  if (a.status === 'accumulating')
    return `waiting for more: awards of this token are minted together once they add up to ${countOf(a.tokenId, a.need ?? 0)}; you have ${countOf(a.tokenId, a.have ?? 0)} waiting`;
  if (a.status === 'capped')
    return `waiting for the next epoch: this period's limit of new tokens is reached; it mints after ${a.until ? new Date(a.until).toLocaleString() : 'the period ends'}`;
  return `pending: on its way to the chain${a.note ? ` (${a.note})` : ''}`;
}

/** A cash-out's award names this room (server/awards/award-sink.ts `WITHDRAWAL_ROOM`): chips cashed out, no draw. */
const WITHDRAWAL_ROOM = 'withdrawal';

function awardRow(a: AwardView): HTMLLIElement {
  const li = el('li', { className: 'award' });
  li.dataset['status'] = a.status;
  li.dataset['award'] = a.awardId;
  li.append(el('strong', { textContent: `+${countOf(a.tokenId, a.amount)}` }), ' — ', el('span', { className: 'award-status', textContent: awardStatus(a) }));
  if (a.txHash)
    li.append(' — ', el('a', { className: 'award-tx', href: `/tx/${encodeURIComponent(a.txHash)}`, title: a.txHash, textContent: `transaction ${a.txHash.slice(0, 10)}…${a.txHash.slice(-4)}` }));
  if (a.source.roomId === WITHDRAWAL_ROOM) {
    li.append(' — ', el('span', { className: 'award-cashout', textContent: 'cashed out from your chips' }));
    return li;
  }
  const draw = `/verify?room=${encodeURIComponent(a.source.roomId)}&draw=${encodeURIComponent(String(a.source.drawSeq))}`;
  li.append(' — ', el('a', { className: 'award-draw', href: draw, textContent: `found in room ${a.source.roomId}, draw ${a.source.drawSeq}` }));
  return li;
}

export class TokenCard {
  readonly element: HTMLElement;
  #held: bigint | null = null;
  readonly #name: HTMLElement;
  readonly #amount: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #awards: HTMLOListElement;

  constructor(readonly tokenId: number, contract: string, send: Omit<SendContext, 'tokenId' | 'held' | 'contract'>) {
    this.#name = el('h3', { className: 'token-name' });
    this.#amount = el('dd', { className: 'token-amount' });
    this.#summary = el('summary');
    this.#awards = el('ol', { className: 'awards', reversed: true });
    const facts = ITEM_FACTS.get(tokenId);
    const art = el('div', { className: 'token-art', innerHTML: tokenArt(tokenId, tokenName(tokenId)) });
    this.element = el(
      'article',
      { className: 'token-card' },
      art,
      el(
        'div',
        { className: 'token-body' },
        this.#name,
        el('p', { className: 'muted small', textContent: facts ? `A ${facts.rarity} find from ${facts.foundIn}.` : 'Won in Fairplay games: every win traces to a proof you can check.' }),
        el(
          'dl',
          { className: 'token-facts' },
          el('dt', { textContent: 'Token id' }),
          el('dd', { className: 'token-id', textContent: String(tokenId) }),
          el('dt', { textContent: 'You hold' }),
          this.#amount,
          el('dt', { textContent: 'Contract' }),
          el('dd', {}, shortAddress(contract, 'token-contract')),
        ),
        el('details', { className: 'token-history' }, this.#summary, this.#awards),
        sendForm({ ...send, tokenId, contract, held: () => this.#held ?? 0n }),
      ),
    );
    this.element.dataset['tokenId'] = String(tokenId);
  }

  /** Shows the chain's balance (null: the chain did not answer) and this token's awards, oldest first as the server lists them. */
  update(balance: bigint | null, awards: readonly AwardView[]): void {
    this.#held = balance;
    if (balance === null) delete this.element.dataset['amount'];
    else this.element.dataset['amount'] = String(balance);
    this.#name.textContent = balance === null ? tokenName(this.tokenId) : countOf(this.tokenId, balance);
    this.#amount.textContent = balance === null ? 'unknown: the chain does not answer' : countOf(this.tokenId, balance);
    const waiting = awards.filter((a) => a.status !== 'minted').length;
    this.#summary.textContent = awards.length
      ? `Award history: ${awards.length} ${awards.length === 1 ? 'award' : 'awards'}${waiting ? `, ${waiting} not yet minted` : ''}`
      : 'Award history: none (these came from a transfer)';
    this.#awards.replaceChildren(...[...awards].reverse().map(awardRow));
  }
}
