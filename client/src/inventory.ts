/**
 * The inventory: one card per token the player holds or was awarded (inventory-card.ts), with
 * the balance the chain holds (read by the server), the awards of that token, and a form to
 * send tokens to a wallet. While some award is pending it looks again every second.
 * @module
 */
import { getJson, type AwardView, type Fairness } from './api.ts';
import { TokenCard } from './inventory-card.ts';
import type { Session } from './session.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface AwardsAnswer {
  readonly awards: AwardView[];
  /** Token id → the player's balance on the chain; null when the chain did not answer. */
  readonly balances: Record<string, string> | null;
  readonly chainError?: string;
}

export class Inventory {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<Fairness['chain']> | undefined;
  /** Cards once shown stay (a token sent away reads "0 coins"), in token id order. */
  readonly #cards = new Map<number, TokenCard>();

  constructor(private readonly session: Session) {
    $('inventory').hidden = false;
    $('refresh-inventory').onclick = () => void this.refresh();
  }

  async refresh(): Promise<void> {
    clearTimeout(this.#timer);
    this.#chain ??= getJson<Fairness>('/fairness').then((f) => f.chain);
    const [chain, { awards, balances, chainError }] = await Promise.all([this.#chain, getJson<AwardsAnswer>(`/players/${this.session.address}/awards`)]);
    const held = new Map(Object.entries(balances ?? {}).map(([id, n]) => [Number(id), BigInt(n)]));
    const ids = new Set([...awards.map((a) => a.tokenId), ...[...held].filter(([, n]) => n > 0n).map(([id]) => id), ...this.#cards.keys()]);
    for (const id of [...ids].sort((a, b) => a - b)) {
      let card = this.#cards.get(id);
      if (!card) {
        card = new TokenCard(id, chain.gameAssets, { session: this.session, chain, sent: () => void this.refresh().catch(() => undefined) });
        this.#cards.set(id, card);
        this.#place(card);
      }
      card.update(balances ? (held.get(id) ?? 0n) : null, awards.filter((a) => a.tokenId === id));
    }
    $('inventory-empty').hidden = this.#cards.size > 0;
    const status = $('inventory-status');
    status.textContent = chainError ? `Your balances cannot be read now: ${chainError}. Your awards are kept and shown below.` : '';
    status.hidden = !chainError;
    if (awards.some((a) => a.status === 'pending')) this.#timer = setTimeout(() => void this.refresh().catch(() => undefined), 1000);
  }

  /** Puts a new card in token id order. */
  #place(card: TokenCard): void {
    const list = $('token-cards');
    const after = [...list.children].find((c) => Number((c as HTMLElement).dataset['tokenId']) > card.tokenId);
    list.insertBefore(card.element, after ?? null);
  }
}
