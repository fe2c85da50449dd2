/**
 * /verify in words: what each record of a transcript is ("draw 3, Dice: rolled 5931 — needed
 * under 100 — lost", "hand 2, Blackjack: you 19 (…), dealer 20 (…) — lost", "void of draw 4: …",
 * "close"), in each game's own words: its rules' `describeRequest` and `describe` for the draw's
 * kind, and its `drawNoun`. Records are untrusted input: a game's words that fail on a record
 * give way to a plain name, and a record this page cannot read is named as such, never thrown on.
 * @module
 */
import { gameRules, outcomeMappings } from '../../games/registry.ts';
import type { OutcomeMapping } from '../../games/game-rules.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';

/** A record as the transcript holds it, before any check: every field may be missing or wrong. */
export interface LooseRecord {
  readonly seq?: unknown;
  readonly type?: unknown;
  readonly drawSeq?: unknown;
  readonly game?: unknown;
  readonly kind?: unknown;
  readonly players?: unknown;
  readonly action?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly reason?: unknown;
  readonly move?: unknown;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** "1 player", "3 players". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The published mapping of a receipt's game and kind, if the receipt names one this page knows. */
export function mappingOf(receipt: LooseRecord | undefined): OutcomeMapping | undefined {
  const key = `${str(receipt?.game)}/${str(receipt?.kind)}`;
  return Object.hasOwn(outcomeMappings, key) ? outcomeMappings[key] : undefined;
}

/** How a draw is named in its game ("hand 2" at blackjack, "draw 3" elsewhere), with the game's title. */
function drawName(receipt: LooseRecord | undefined, drawSeq: unknown): string {
  const rules = gameRules(str(receipt?.game) ?? '');
  return `${rules?.drawNoun ?? 'draw'} ${num(drawSeq) ?? '?'}${rules ? `, ${rules.title}` : receipt ? `, ${str(receipt.game) ?? '?'} ${str(receipt.kind) ?? ''}`.trimEnd() : ''}`;
}

/** A game's words for a record, or `fallback` where the game has none or they fail on this record. */
function gameWords(words: (() => string | undefined) | undefined, fallback: string): string {
  try {
    return words?.() ?? fallback;
  } catch {
    return fallback;
  }
}

/** What a receipt asks for, in the game's words. */
function receiptWords(rec: LooseRecord): string {
  const players = Array.isArray(rec.players) ? rec.players.length : 0;
  const seeds = `${plural(players, "player's seed", "players' seeds")} committed`;
  const mapping = mappingOf(rec);
  const request = gameWords(mapping?.describeRequest && (() => mapping.describeRequest!(rec.action ?? {})), 'receipt');
  return `${drawName(rec, rec.drawSeq)}: ${request} (${seeds})`;
}

/** What came of a draw, in the game's words (its receipt gives the game and the bet). */
function outcomeWords(rec: LooseRecord, receipt: LooseRecord | undefined): string {
  const mapping = mappingOf(receipt);
  const result = (rec.result ?? {}) as Readonly<Record<string, JsonValue>>;
  const action = (receipt?.action ?? {}) as Readonly<Record<string, JsonValue>>;
  return `${drawName(receipt, rec.drawSeq)}: ${gameWords(mapping?.describe && (() => mapping.describe!(result, action)), 'outcome')}`;
}

const VOID_WORDS: Readonly<Record<string, string>> = {
  'reveal-timeout': "a player's seed did not come in time; any stake is refunded",
  'room-closed': 'the room closed before the draw ended; any stake is refunded',
  'server-restart': 'the server restarted before the draw ended; any stake is refunded',
};

/** One record in words; `receipt` is its draw's receipt when the transcript has one before it. */
export function recordWords(rec: LooseRecord, receipt: LooseRecord | undefined): string {
  switch (rec.type) {
    case 'receipt':
      return receiptWords(rec);
    case 'outcome':
      return outcomeWords(rec, receipt);
    case 'move':
      return `${drawName(receipt, rec.drawSeq)}, move: ${str(rec.move) ?? '?'}`;
    case 'void': {
      const reason = str(rec.reason) ?? '?';
      return `void of ${drawName(receipt, rec.drawSeq)}: ${VOID_WORDS[reason] ?? reason}`;
    }
    case 'close':
      return `close: the room closed after ${plural(num(rec.drawSeq) ?? 0, 'draw')}`;
    default:
      return 'not a record this page can read';
  }
}

/** The receipt of each draw in the transcript, by drawSeq (the first one, should a draw have two). */
export function receiptsByDraw(records: readonly LooseRecord[]): Map<number, LooseRecord> {
  const receipts = new Map<number, LooseRecord>();
  for (const r of records) {
    const d = num(r?.drawSeq);
    if (r?.type === 'receipt' && d !== undefined && !receipts.has(d)) receipts.set(d, r);
  }
  return receipts;
}
