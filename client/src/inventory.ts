/**
 * The inventory: the player's token balances (read from the chain by the server) and each
 * award with its status, transaction and source draw. While some award is pending it looks
 * again every second.
 * @module
 */
import { GAMES } from '../../games/registry.ts';
import { getJson, type AwardView } from './api.ts';

/** Token 1 is the coin; every other token is an item a game declares in its rules. */
const TOKEN_NAMES = new Map<number, string>([[1, 'coins'], ...GAMES.flatMap((g) => g.items ?? []).map((i) => [i.tokenId, i.name] as [number, string])]);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class Inventory {
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly address: string) {
    $('inventory').hidden = false;
    $('refresh-inventory').onclick = () => void this.refresh();
  }

  async refresh(): Promise<void> {
    clearTimeout(this.#timer);
    const { awards, balances } = await getJson<{ awards: AwardView[]; balances: Record<string, string> | null }>(`/players/${this.address}/awards`);
    $('token-balances').textContent = balances
      ? Object.entries(balances).map(([id, n]) => `${TOKEN_NAMES.get(Number(id)) ?? `token ${id}`}: ${n}`).join(', ')
      : 'the chain does not answer';
    $('awards').querySelector('tbody')!.replaceChildren(
      ...awards.map((a) => {
        const tr = document.createElement('tr');
        tr.dataset['status'] = a.status;
        const status = a.status === 'minted' ? `minted in ${a.txHash}` : a.status === 'capped' ? `capped until ${a.until}` : `pending${a.note ? `: ${a.note}` : ''}`;
        tr.append(
          ...[`${a.amount} ${TOKEN_NAMES.get(a.tokenId) ?? `of token ${a.tokenId}`}`, status, `room ${a.source.roomId}, draw ${a.source.drawSeq}`].map((t) =>
            Object.assign(document.createElement('td'), { textContent: t }),
          ),
        );
        return tr;
      }),
    );
    if (awards.some((a) => a.status === 'pending')) this.#timer = setTimeout(() => void this.refresh().catch(() => undefined), 1000);
  }
}
