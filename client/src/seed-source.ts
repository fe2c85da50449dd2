/**
 * Where the page's player seeds come from: every view takes its next seed here, so the player's
 * choice of source applies to every game alike. By default, 32 fresh random bytes per draw from
 * the platform's CSPRNG. Or a seed phrase of the player's own, stretched once into a key:
 *
 *   key    = PBKDF2-HMAC-SHA256( UTF-8 of the phrase (NFC), salt "fairplay-seed-phrase-v2", 200 000 rounds, 32 bytes )
 *   seed i = SHA-256( field("fairplay-seed-phrase-v2") || field(key) || u64(i) )
 *
 * (field: 4-byte big-endian length then the bytes, as in alpha; u64: 8 bytes big-endian), so a
 * player can recompute every seed from the phrase and the counter the fairness panel shows. The
 * stretch is why: every revealed seed is public, and a seed of one SHA-256 over the phrase lets
 * anyone test billions of guessed phrases a second against it, then know the player's next
 * seeds (and so, for the server, results before it signs them). 200 000 rounds make each guess
 * cost as much; a guessable phrase is still guessed, and the page says so. Only the key is kept
 * in localStorage, never the phrase. The counter of each key only goes up: a seed is never used
 * twice (the server refuses a used commitment). Which source made each seed is noted by its
 * commitment, so the panel can say it later.
 * @module
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 as sha256Hash } from '@noble/hashes/sha2.js';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, concatBytes, field, hexToBytes, sha256, u64, utf8ToBytes } from '../../vrf/protocol/encoding.ts';

export const PHRASE_TAG = 'fairplay-seed-phrase-v2';
/** PBKDF2 rounds of the phrase's key: each guess of a phrase costs this many HMACs. */
export const PHRASE_ROUNDS = 200_000;
/** The shortest phrase the page takes: short phrases are guessed. */
export const MIN_PHRASE_LENGTH = 12;
/** How many seeds' origins are remembered (the oldest are forgotten first). */
const ORIGINS_KEPT = 2000;

const SETTING_KEY = 'fairplay.seedSource';
const COUNTERS_KEY = 'fairplay.seedCounters';
const ORIGINS_KEY = 'fairplay.seedOrigins';
/** Fired on window after each seed handed out, so what shows the next number can follow. */
export const SEED_USED_EVENT = 'fairplay-seed-used';

/** The phrase's source is kept as its stretched key (hex), never as the phrase. */
export type SeedSetting = { readonly kind: 'random' } | { readonly kind: 'phrase'; readonly key: string };
/** How a seed was made: at random, or as seed `counter` of the phrase with this fingerprint. */
export type SeedOrigin = { readonly kind: 'random' } | { readonly kind: 'phrase'; readonly counter: number; readonly fingerprint: string };

/** A phrase's key (see the module comment), hex: by the platform's PBKDF2 where it has one, else in script (same bytes, slower). */
export async function phraseKey(phrase: string): Promise<string> {
  const password = utf8ToBytes(phrase.normalize('NFC'));
  const salt = utf8ToBytes(PHRASE_TAG);
  const subtle = globalThis.crypto?.subtle; // absent on a page served over plain http from another host
  if (subtle) {
    const base = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
    return bytesToHex(new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PHRASE_ROUNDS }, base, 256)));
  }
  return bytesToHex(await pbkdf2Async(sha256Hash, password, salt, { c: PHRASE_ROUNDS, dkLen: 32 }));
}

/** Seed `counter` of a phrase's key (see the module comment), hex. */
export function phraseSeed(key: string, counter: number): string {
  return bytesToHex(sha256(concatBytes(field(utf8ToBytes(PHRASE_TAG)), field(hexToBytes(key)), u64(counter))));
}

/** A short name of a phrase's key that does not show it: the first 4 bytes of seed 2^53 − 1 of it, hex. */
export function phraseFingerprint(key: string): string {
  return phraseSeed(key, Number.MAX_SAFE_INTEGER).slice(0, 8);
}

function readJson<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

/** The source the player chose (random unless they set a phrase). */
export function seedSetting(): SeedSetting {
  const s = readJson<Partial<{ kind: string; key: string }>>(SETTING_KEY, {});
  return s.kind === 'phrase' && typeof s.key === 'string' && /^[0-9a-f]{64}$/.test(s.key) ? { kind: 'phrase', key: s.key } : { kind: 'random' };
}

/** Why a phrase cannot be used, or undefined. */
export function phraseProblem(phrase: string): string | undefined {
  if (phrase.length < MIN_PHRASE_LENGTH) return `A seed phrase needs at least ${MIN_PHRASE_LENGTH} characters: a short one is easy to guess.`;
  return undefined;
}

/** Sets the source for the next draws: random, or a phrase's key (phraseKey). */
export function setSeedSetting(setting: SeedSetting): void {
  localStorage.setItem(SETTING_KEY, JSON.stringify(setting));
}

/** The counter the phrase's next seed gets (0 for a phrase never used in this browser), by its key. */
export function nextCounter(key: string): number {
  const counter = readJson<Record<string, number>>(COUNTERS_KEY, {})[phraseFingerprint(key)];
  return Number.isSafeInteger(counter) && (counter as number) >= 0 ? (counter as number) : 0;
}

/**
 * Sets the number the phrase's next seed gets (after clearing site data, say), never lower than
 * this browser's: a seed of a number already used was revealed in a public transcript, so the
 * server (and anyone) would know it before the draw, and could see the result before signing it.
 */
export function setNextCounter(key: string, counter: number): void {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error('The next seed number must be a whole number, 0 or more.');
  const used = nextCounter(key);
  if (counter < used)
    throw new Error(`This browser already used seed numbers up to ${used - 1} of this phrase, and those seeds are public: the next number must be ${used} or more.`);
  const counters = readJson<Record<string, number>>(COUNTERS_KEY, {});
  counters[phraseFingerprint(key)] = counter;
  localStorage.setItem(COUNTERS_KEY, JSON.stringify(counters));
}

function remember(commitment: string, origin: SeedOrigin): void {
  try {
    const origins = readJson<Record<string, SeedOrigin>>(ORIGINS_KEY, {});
    origins[commitment] = origin;
    const keys = Object.keys(origins); // insertion order: the oldest first
    for (const old of keys.slice(0, Math.max(0, keys.length - ORIGINS_KEPT))) delete origins[old];
    localStorage.setItem(ORIGINS_KEY, JSON.stringify(origins));
  } catch {
    /* storage full or refused: the seed is still good, only its origin is not noted */
  }
}

/** How this browser made the seed with this commitment, if it did and still remembers. */
export function seedOrigin(commitment: string): SeedOrigin | undefined {
  return readJson<Record<string, SeedOrigin>>(ORIGINS_KEY, {})[commitment];
}

/** The seed for the page's next draw, hex: kept secret by the view until its receipt passes the checks. */
export function nextSeed(): string {
  const setting = seedSetting();
  if (setting.kind === 'random') {
    const seed = newSeed();
    remember(seedCommitment(seed), { kind: 'random' });
    return seed;
  }
  const fingerprint = phraseFingerprint(setting.key);
  const counter = nextCounter(setting.key);
  // The counter moves on before the seed is used: a seed of a phrase is never handed out twice.
  const counters = readJson<Record<string, number>>(COUNTERS_KEY, {});
  counters[fingerprint] = counter + 1;
  localStorage.setItem(COUNTERS_KEY, JSON.stringify(counters));
  const seed = phraseSeed(setting.key, counter);
  remember(seedCommitment(seed), { kind: 'phrase', counter, fingerprint });
  window.dispatchEvent(new Event(SEED_USED_EVENT));
  return seed;
}
