/**
 * The seed phrase: stretched into a key before any seed is made from it (a revealed seed is public,
 * and one SHA-256 over a phrase lets anyone test guessed phrases against it at GPU speed), the
 * phrase itself never stored, and a counter that only goes up (a seed number already used was
 * revealed in a public transcript, so handing it out again lets the server know the seed first).
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextCounter, nextSeed, phraseKey, phraseSeed, setNextCounter, setSeedSetting } from '../../client/src/seed-source.ts';

const store = new Map<string, string>();
/** localStorage and window as the page has them, in memory. */
function fakeBrowser(): void {
  store.clear();
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, String(v)),
    removeItem: (k: string) => void store.delete(k),
  };
  (globalThis as { window?: unknown }).window = { dispatchEvent: () => true };
}

/** 4-byte big-endian length, then the bytes. */
function field(b: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(b.length);
  return Buffer.concat([length, b]);
}

describe('seed phrase', () => {
  beforeEach(fakeBrowser);
  const phrase = 'correct horse battery staple violet';

  it('is stretched by PBKDF2-SHA-256 (200 000 rounds) before seed i = SHA-256(tag, key, i), computed here apart from the page', async () => {
    const key = await phraseKey(phrase);
    const expectedKey = pbkdf2Sync(Buffer.from(phrase.normalize('NFC')), 'fairplay-seed-phrase-v2', 200_000, 32, 'sha256');
    expect(key).toBe(expectedKey.toString('hex'));
    const i = Buffer.alloc(8);
    i.writeBigUInt64BE(5n);
    const seed = createHash('sha256').update(Buffer.concat([field(Buffer.from('fairplay-seed-phrase-v2')), field(expectedKey), i])).digest('hex');
    expect(phraseSeed(key, 5)).toBe(seed);
    // The seed is no single hash of the phrase: a guess at the phrase costs the whole stretch.
    const unstretched = createHash('sha256').update(Buffer.concat([field(Buffer.from('fairplay-seed-phrase-v2')), field(Buffer.from(phrase)), i])).digest('hex');
    expect(seed).not.toBe(unstretched);
  });

  it('is never stored, only its key', async () => {
    setSeedSetting({ kind: 'phrase', key: await phraseKey(phrase) });
    nextSeed();
    expect([...store.values()].join('\n')).not.toContain(phrase);
  });

  it('hands out each number once, and refuses to be set back to a number already used', async () => {
    const key = await phraseKey(phrase);
    setSeedSetting({ kind: 'phrase', key });
    expect(nextSeed()).toBe(phraseSeed(key, 0));
    expect(nextSeed()).toBe(phraseSeed(key, 1));
    expect(nextCounter(key)).toBe(2);
    expect(() => setNextCounter(key, 0)).toThrow(/already used seed numbers up to 1 .* must be 2 or more/);
    expect(nextSeed()).toBe(phraseSeed(key, 2));
    // Forward is fine (site data cleared elsewhere, numbers used on another device).
    setNextCounter(key, 10);
    expect(nextSeed()).toBe(phraseSeed(key, 10));
  });
});
