/**
 * /verify in words: what each record of a transcript is ("draw 3, dice: rolled 5931 — needed
 * under 100 — lost", "draw 0, chest draw: 6 chests placed", "hand 2: player 19, dealer 20 —
 * lost", "void of draw 4: …", "close"), read from the record and its draw's receipt with the
 * games' own rules (names, cards, the loot table). Records are untrusted input: every field is
 * checked before it is used, and a record this page cannot read is named as such, never thrown on.
 * @module
 */
import { formatChips } from '../../games/chips.ts';
import { cardName } from '../../games/blackjack/rules.ts';

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
const chips = (units: unknown): string => {
  const n = num(units);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? `${formatChips(n)} chip${n === 1_000_000 ? '' : 's'}` : '? chips';
};

/** "1 player", "3 players". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** How a draw is named in its game: blackjack deals hands, every other game draws. */
function drawName(receipt: LooseRecord | undefined, drawSeq: unknown): string {
  return `${receipt?.game === 'blackjack' ? 'hand' : 'draw'} ${num(drawSeq) ?? '?'}`;
}

/** What a receipt asks for, in the game's words. */
function receiptWords(rec: LooseRecord): string {
  const a = rec.action ?? {};
  const players = Array.isArray(rec.players) ? rec.players.length : 0;
  const seeds = `${plural(players, "player's seed", "players' seeds")} committed`;
  const name = drawName(rec, rec.drawSeq);
  if (rec.game === 'dice') return `${name}, dice: bet ${chips(a['stake'])} on a roll ${str(a['direction']) ?? '?'} ${num(a['target']) ?? '?'} (${seeds})`;
  if (rec.game === 'raid' && rec.kind === 'chests') return `${name}, chest draw: place the chests of round ${num(a['round']) ?? '?'} (${seeds})`;
  if (rec.game === 'raid' && rec.kind === 'loot') return `${name}, loot draw: open chest ${num(a['chest']) ?? '?'} of round ${num(a['round']) ?? '?'} (${seeds})`;
  if (rec.game === 'blackjack') return `${name}, blackjack: bet ${chips(a['stake'])} (${seeds})`;
  return `${name}, ${str(rec.game) ?? '?'} ${str(rec.kind) ?? ''}: receipt (${seeds})`;
}

const HAND_OUTCOMES: Readonly<Record<string, string>> = {
  natural: 'blackjack',
  'dealer-natural': 'dealer has blackjack',
  win: 'won',
  push: 'push',
  lose: 'lost',
  bust: 'bust',
};

/** What came of a draw, in the game's words (its receipt gives the bet). */
function outcomeWords(rec: LooseRecord, receipt: LooseRecord | undefined): string {
  const r = rec.result ?? {};
  const a = receipt?.action ?? {};
  const name = drawName(receipt, rec.drawSeq);
  if (receipt?.game === 'dice' || (!receipt && num(r['roll']) !== undefined)) {
    const needed = str(a['direction']) && num(a['target']) !== undefined ? ` — needed ${str(a['direction'])} ${num(a['target'])}` : '';
    return `${name}, dice: rolled ${num(r['roll']) ?? '?'}${needed} — ${r['win'] === true ? `won ${chips(r['payout'])}` : 'lost'}`;
  }
  if (Array.isArray(r['tiles'])) return `${name}, chest draw: ${plural(r['tiles'].length, 'chest')} placed`;
  if (str(r['item'])) {
    const item = str(r['item'])!;
    const amount = num(r['amount']);
    const found = item === 'coins' ? plural(amount ?? 0, 'coin') : amount === 1 ? `${/^[aeiou]/i.test(item) ? 'an' : 'a'} ${item}` : `${amount ?? '?'} ${item}`;
    return `${name}, loot draw: chest ${num(a['chest']) ?? '?'} held ${found}${str(r['rarity']) ? ` (${str(r['rarity'])})` : ''}`;
  }
  if (Array.isArray(r['player']) && Array.isArray(r['dealer'])) {
    const cards = (ids: unknown[]) => ids.map((c) => (Number.isInteger(c) && (c as number) >= 0 && (c as number) < 52 ? cardName(c as number) : '?')).join(' ');
    const outcome = str(r['outcome']) ?? '?';
    const paid = num(r['payout']) ? `, ${chips(r['payout'])} paid back` : '';
    return `${name}: player ${num(r['playerTotal']) ?? '?'} (${cards(r['player'])}), dealer ${num(r['dealerTotal']) ?? '?'} (${cards(r['dealer'])}) — ${HAND_OUTCOMES[outcome] ?? outcome}${paid}`;
  }
  return `${name}: outcome`;
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
