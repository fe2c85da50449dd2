/**
 * The player's draws across sessions, newest first, ten at a time ("Older draws" for the next
 * page), from `GET /players/:address/draws?order=desc`. Each row says the game, the kind of
 * draw, when, and for a settled draw its result in words (the game's `describe` over the outcome
 * record, read from the room's transcript: one page per room per history page); each row opens
 * its fairness panel (fairness-panel-hook.ts). The list loads when the player opens it and
 * refreshes, at most every few seconds, as draws settle, so a busy table costs few transcript
 * reads (they count in RATE_LIMIT_EXPENSIVE).
 * @module
 */
import { outcomeMappings } from '../../games/registry.ts';
import type { HashedRecord } from '../../vrf/protocol/records.ts';

const PAGE = 10;
/** The least time between two refreshes as draws settle, ms. */
const REFRESH_GAP_MS = 3000;

interface ListedDraw {
  readonly roomId: string;
  readonly drawSeq: number;
  readonly receiptSeq: number;
  readonly game: string;
  readonly kind: string;
  readonly issuedAt: number;
  readonly status: 'open' | 'settled' | 'void';
  readonly endSeq?: number;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] => Object.assign(document.createElement(tag), props);

/** The records from the lowest to the highest seq these draws name, one transcript page per room. */
async function recordsOf(draws: readonly ListedDraw[]): Promise<Map<string, Map<number, HashedRecord>>> {
  const byRoom = new Map<string, number[]>();
  for (const d of draws) byRoom.set(d.roomId, [...(byRoom.get(d.roomId) ?? []), d.receiptSeq, ...(d.endSeq === undefined ? [] : [d.endSeq])]);
  const out = new Map<string, Map<number, HashedRecord>>();
  await Promise.all(
    [...byRoom].map(async ([roomId, seqs]) => {
      const from = Math.min(...seqs);
      const limit = Math.min(1000, Math.max(...seqs) - from + 1);
      try {
        const res = await fetch(`/rooms/${encodeURIComponent(roomId)}/transcript?from=${from}&limit=${limit}`);
        const page = res.ok ? ((await res.json()) as { records?: HashedRecord[] }) : {};
        out.set(roomId, new Map((page.records ?? []).map((r) => [r.seq, r])));
      } catch {
        /* the words are left out; the row still opens its panel */
      }
    }),
  );
  return out;
}

/** "rolled 5931 — needed under 100 — lost", from the draw's records, or what is known without them. */
function resultWords(d: ListedDraw, records: Map<number, HashedRecord> | undefined): string {
  if (d.status === 'open') return 'not settled yet';
  if (d.status === 'void') return 'voided: no result, stakes returned';
  const receipt = records?.get(d.receiptSeq);
  const end = d.endSeq === undefined ? undefined : records?.get(d.endSeq);
  const describe = outcomeMappings[`${d.game}/${d.kind}`]?.describe;
  if (receipt?.type !== 'receipt' || end?.type !== 'outcome' || !describe) return 'settled';
  return describe(end.result, receipt.action);
}

export class PlayerHistory {
  readonly #section: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #older: HTMLButtonElement;
  readonly #status: HTMLElement;
  #address: string | undefined;
  #next: string | null = null;
  #lastRefresh = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Builds the section (hidden until a player signs in), after `anchor`; `seeds`: the seed source settings to show in it. */
  constructor(anchor: HTMLElement, seeds: HTMLElement) {
    this.#section = el('section', { id: 'history', className: 'card', hidden: true });
    const heading = el('h2', { id: 'history-title', textContent: 'Your bets, hands and finds' });
    const details = el('details', { id: 'history-details' });
    details.append(el('summary', { textContent: 'History from every room and visit, newest first: open one to see its proof' }));
    this.#list = el('ol', { id: 'history-list', className: 'rolls' });
    this.#older = el('button', { id: 'history-older', type: 'button', className: 'secondary', textContent: 'Older draws', hidden: true });
    this.#status = el('p', { id: 'history-status', className: 'muted small' });
    this.#status.setAttribute('role', 'status');
    details.append(this.#list, this.#older, this.#status);
    details.addEventListener('toggle', () => details.open && void this.refresh());
    this.#older.onclick = () => void this.#load(this.#next);
    this.#section.append(heading, seeds, details);
    anchor.after(this.#section);
  }

  /** Shows the history of `address` (signed in). */
  show(address: string): void {
    this.#address = address;
    this.#section.hidden = false;
    if (this.#open()) void this.refresh();
  }

  #open(): boolean {
    return (this.#section.querySelector('details') as HTMLDetailsElement).open;
  }

  /** A draw settled: the first page again, unless the list is closed or was just refreshed (then a little later). */
  settled(): void {
    if (!this.#open() || this.#timer) return;
    const wait = Math.max(0, this.#lastRefresh + REFRESH_GAP_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh();
    }, wait);
  }

  /** The newest page again, in place of the list. */
  async refresh(): Promise<void> {
    this.#lastRefresh = Date.now();
    await this.#load(null);
  }

  async #load(after: string | null): Promise<void> {
    const address = this.#address;
    if (!address) return;
    this.#status.textContent = 'Loading your draws…';
    try {
      const res = await fetch(`/players/${address}/draws?order=desc&limit=${PAGE}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      const page = (await res.json()) as { draws: ListedDraw[]; next: string | null };
      const records = await recordsOf(page.draws);
      const rows = page.draws.map((d) => this.#row(d, records.get(d.roomId)));
      if (after === null) this.#list.replaceChildren(...rows);
      else this.#list.append(...rows);
      this.#next = page.next;
      this.#older.hidden = page.next === null;
      const shown = this.#list.children.length;
      this.#status.textContent = shown === 0 ? 'No draws yet: play a game and they show here.' : `${shown} ${shown === 1 ? 'draw' : 'draws'} shown${page.next === null ? ', all there are' : ''}.`;
    } catch (e) {
      this.#status.textContent = `Your history could not be loaded: ${(e as Error).message}. Try again in a moment.`;
    }
  }

  #row(d: ListedDraw, records: Map<number, HashedRecord> | undefined): HTMLLIElement {
    const li = el('li', { tabIndex: 0, title: "Open this draw's fairness panel" });
    Object.assign(li.dataset, { room: d.roomId, draw: String(d.drawSeq), game: d.game, status: d.status });
    const when = new Date(d.issuedAt).toLocaleString();
    li.append(el('strong', { textContent: `${d.game} ${d.kind}` }), ` · ${when} · `, el('span', { className: 'history-result', textContent: resultWords(d, records) }), el('span', { className: 'muted small', textContent: ` (draw ${d.drawSeq}, room ${d.roomId})` }));
    return li;
  }
}
