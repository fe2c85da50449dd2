/**
 * The seed phrase's counter only goes up: a seed number already used was revealed in a public
 * transcript, so handing it out again would let the server know the player's seed before the draw.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { nextCounter, nextSeed, phraseSeed, setNextCounter, setSeedSetting } from '../../client/src/seed-source.ts';

/** localStorage and window as the page has them, in memory. */
function fakeBrowser(): void {
  const store = new Map<string, string>();
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, String(v)),
    removeItem: (k: string) => void store.delete(k),
  };
  (globalThis as { window?: unknown }).window = { dispatchEvent: () => true };
}

describe('seed phrase counter', () => {
  beforeEach(fakeBrowser);
  const phrase = 'correct horse battery staple violet';

  it('hands out each number once, and refuses to be set back to a number already used', () => {
    setSeedSetting({ kind: 'phrase', phrase });
    expect(nextSeed()).toBe(phraseSeed(phrase, 0));
    expect(nextSeed()).toBe(phraseSeed(phrase, 1));
    expect(nextCounter(phrase)).toBe(2);
    expect(() => setNextCounter(phrase, 0)).toThrow(/already used seed numbers up to 1 .* must be 2 or more/);
    expect(nextSeed()).toBe(phraseSeed(phrase, 2));
    // Forward is fine (site data cleared elsewhere, numbers used on another device).
    setNextCounter(phrase, 10);
    expect(nextSeed()).toBe(phraseSeed(phrase, 10));
  });
});
