/**
 * The refusals a room sends, as the page words them: each names the rule broken, quotes the
 * server's published bet limits where they apply, and an unknown code still reads as a sentence.
 * The reasons below are those the server writes (server/rooms/game-room.ts `describe`,
 * games/chips.ts stakeProblem, games/dice/rules.ts, the chip ledger).
 */
import { describe, expect, it } from 'vitest';
import { refusalSentence } from '../../client/src/refusal-text.ts';

const terms = { minBet: 0.01, maxBet: 2500 };

describe('refusal sentences', () => {
  it('words a stake too small or too big as the published bet limits', () => {
    expect(refusalSentence({ code: 'bad-message', message: 'stake: Too small: expected number to be >=1' }, terms)).toBe('The smallest bet is 0.01 chips.');
    expect(refusalSentence({ code: 'bad-message', message: 'stake: Too big: expected number to be <=90071992547409' }, terms)).toBe('The largest bet is 2,500 chips.');
    expect(refusalSentence({ code: 'bad-bet', message: 'stake above the maximum bet of 2500 chips' }, { maxBet: 100 })).toBe('The largest bet is 100 chips.');
    expect(refusalSentence({ code: 'bad-bet', message: 'stake above the maximum bet of 100,000 chips' })).toBe('The largest bet is 100,000 chips.');
    expect(refusalSentence({ code: 'bad-bet', message: 'stake above the maximum bet of 100,000 chips' }, { maxBet: 100_000 })).toBe('The largest bet is 100,000 chips.');
    // Without published terms, the limit the server named.
    expect(refusalSentence({ code: 'bad-bet', message: 'stake below the minimum bet of 0.01 chips' })).toBe('The smallest bet is 0.01 chips.');
  });

  it('words the dice win-chance rule and a short balance', () => {
    expect(refusalSentence({ code: 'bad-bet', message: 'win chance must be between 1% and 98%' }, terms)).toBe('The chance to win must be between 1% and 98%: move the target.');
    expect(refusalSentence({ code: 'insufficient-chips', message: 'bet of 1,010 chips exceeds the available balance of 4.5' })).toBe('You have 4.5 chips free, not enough for a bet of 1,010 chips.');
  });

  it('words every issue of a malformed message once, and never shows a raw zod line', () => {
    const text = refusalSentence({ code: 'bad-message', message: 'target: Too big: expected number to be <=9999; direction: Invalid option: expected one of "under"|"over"' });
    expect(text).toBe('The target must be a whole number from 0 to 9999. Choose to roll under or over the target.');
    expect(text).not.toMatch(/expected|zod/i);
  });

  it('falls back to a sentence that names an unknown code and its reason', () => {
    expect(refusalSentence({ code: 'table-closed', message: 'the table closes at midnight.' })).toBe('The server refused this request (table-closed): the table closes at midnight.');
    expect(refusalSentence({ code: 'odd', message: '' })).toBe('The server refused this request (odd).');
  });

  it('starts every sentence with a capital and ends it with a full stop', () => {
    const codes = ['insufficient-chips', 'too-many-pending', 'commitment-used', 'over-court-limit', 'key-not-in-force', 'delegation-expired', 'bad-authorization', 'busy', 'not-now', 'internal', 'reveal-late', 'unknown-message'];
    for (const code of codes) expect(refusalSentence({ code, message: 'some reason' }), code).toMatch(/^[A-Z].*\.$/);
  });
});
