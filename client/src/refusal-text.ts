/**
 * A room's refusal (`server/rooms/refusal.ts`: a code and the server's reason) as a sentence a
 * player understands, naming the rule the request broke. The bet limits come from the server's
 * published terms (`/fairness` games.<id>.terms minBet/maxBet, in chips) when it publishes them;
 * a code this page does not know still reads as a sentence that names the code and the reason.
 * No DOM here, so the sentences are tested on their own.
 * @module
 */

/** What the room sent with `error`. */
export interface RoomRefusal {
  readonly code: string;
  readonly message: string;
}

/** The published terms a sentence may quote: bet limits in chips. */
export interface BetTerms {
  readonly minBet?: unknown;
  readonly maxBet?: unknown;
}

/** A chip amount as the terms give it (a number, shown grouped like the page's amounts: "100,000"), or as the server's reason gave it. */
const chips = (n: unknown, fallback: string | undefined): string | undefined =>
  typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : fallback;

const smallest = (terms: BetTerms, said?: string) => {
  const min = chips(terms.minBet, said);
  return min === undefined ? 'That stake is below the smallest bet.' : `The smallest bet is ${min} chips.`;
};
const largest = (terms: BetTerms, said?: string) => {
  const max = chips(terms.maxBet, said);
  return max === undefined ? 'That stake is above the largest bet.' : `The largest bet is ${max} chips.`;
};

/** The reason without a trailing full stop, to end a sentence of ours. */
const reason = (message: string) => message.trim().replace(/\.$/, '');

/** Sentences for the codes whose reason needs no reading. */
const BY_CODE: Readonly<Record<string, (r: RoomRefusal) => string>> = {
  'insufficient-chips': (r) => {
    const m = /bet of ([\d.,]+) chips exceeds the available balance of ([\d.,]+)/.exec(r.message);
    return m ? `You have ${m[2]} chips free, not enough for a bet of ${m[1]} chips.` : `You do not have enough chips for this bet: ${reason(r.message)}.`;
  },
  'too-many-pending': (r) => `Wait for your open bets to be rolled first: the table takes ${reason(r.message)} at a time.`,
  'commitment-used': () => 'This seed was already used for a bet; every bet needs a fresh one. Try again.',
  'over-court-limit': (r) => `This bet could win more than the fairness court can guarantee right now: ${reason(r.message)}.`,
  'key-not-in-force': (r) => `Bets are paused until the server's random-number key is in force on chain, so the fairness court can check every draw: ${reason(r.message)}.`,
  'delegation-expired': () => 'Your sign-in has expired: sign in again to keep playing.',
  'delegation-not-yet-valid': () => 'Your sign-in is dated later than the server clock: sign in again.',
  'bad-authorization': (r) => `The server could not confirm this bet was signed by you (${reason(r.message)}): sign in again.`,
  'hand-open': (r) => `Finish the hand on the table first: ${reason(r.message)}.`,
  'illegal-move': (r) => `That move is not allowed now: ${reason(r.message)}.`,
  busy: () => 'The previous move is still being recorded: wait a moment and try again.',
  'not-now': (r) => `That is not possible at this moment: ${reason(r.message)}.`,
  'chest-taken': (r) => `Someone got there first: ${reason(r.message)}.`,
  'too-far': (r) => `You are too far away: ${reason(r.message)}.`,
  'reveal-mismatch': () => 'The seed sent does not match any bet of yours waiting to be rolled.',
  internal: () => 'The server could not complete this request. Nothing was taken; try again.',
};

/** One zod issue of a `bad-message` reason ("stake: Too small: expected number to be >=1") in words. */
function issueSentence(path: string, problem: string, terms: BetTerms): string {
  if (path === 'stake') {
    if (/too small/i.test(problem)) return smallest(terms);
    if (/too big/i.test(problem)) return largest(terms);
    return 'The stake must be an amount of chips with at most 2 decimals.';
  }
  if (path === 'target') return 'The target must be a whole number from 0 to 9999.';
  if (path === 'direction') return 'Choose to roll under or over the target.';
  return `The server could not read this request: ${path} ${problem.replace(/^./, (c) => c.toLowerCase())} (bad-message).`;
}

/** A `bad-bet` reason (a game's rules, or `games/chips.ts` stakeProblem) in words. */
function badBetSentence(message: string, terms: BetTerms): string {
  const below = /below the minimum bet of ([\d.,]+) chips/.exec(message);
  if (below) return smallest(terms, below[1]);
  const above = /above the maximum bet of ([\d.,]+) chips/.exec(message);
  if (above) return largest(terms, above[1]);
  const chance = /win chance must be between ([\d.,]+%) and ([\d.,]+%)/.exec(message);
  if (chance) return `The chance to win must be between ${chance[1]} and ${chance[2]}: move the target.`;
  return `This bet is not allowed: ${reason(message)}.`;
}

/** The sentence the page shows for a refusal. */
export function refusalSentence(refusal: RoomRefusal, terms: BetTerms = {}): string {
  const { code, message } = refusal;
  if (code === 'bad-message') {
    const issues = message.split('; ').map((issue) => {
      const at = issue.indexOf(': ');
      return at < 0 ? issueSentence('message', issue, terms) : issueSentence(issue.slice(0, at), issue.slice(at + 2), terms);
    });
    return [...new Set(issues)].join(' ');
  }
  if (code === 'bad-bet') return badBetSentence(message, terms);
  const known = BY_CODE[code];
  if (known) return known(refusal);
  if (code.startsWith('reveal-')) return `The roll could not go ahead: ${reason(message)} (${code}).`;
  return `The server refused this request (${code})${message ? `: ${reason(message)}` : ''}.`;
}
