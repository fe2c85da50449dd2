/**
 * Where the page's player seeds come from: every view takes its next seed here, so the player's
 * choice of source applies to every game alike. By default, 32 fresh random bytes per draw from
 * the platform's CSPRNG. Or a seed phrase of the player's own: seed i is then
 *
 *   SHA-256( field("fairplay-seed-phrase-v1") || field(UTF-8 of the phrase, NFC) || u64(i) )
 *
 * (field: 4-byte big-endian length then the bytes, as in alpha; u64: 8 bytes big-endian), so a
 * player can recompute every seed from the phrase and the counter the fairness panel shows. The
 * counter of each phrase is kept in localStorage and only goes up: a seed is never used twice
 * (the server refuses a used commitment). Anyone who can guess the phrase can work out the seeds
 * before they are revealed, so a phrase is only as good as it is unguessable; the page says so.
 * Which source made each seed is noted by its commitment, so the panel can say it later.
 * @module
 */
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { bytesToHex, concatBytes, field, sha256, u64, utf8ToBytes } from '../../vrf/protocol/encoding.ts';

export const PHRASE_TAG = 'fairplay-seed-phrase-v1';
/** The shortest phrase the page takes: short phrases are guessed. */
export const MIN_PHRASE_LENGTH = 12;
/** How many seeds' origins are remembered (the oldest are forgotten first). */
const ORIGINS_KEPT = 2000;

const SETTING_KEY = 'fairplay.seedSource';
const COUNTERS_KEY = 'fairplay.seedCounters';
const ORIGINS_KEY = 'fairplay.seedOrigins';
/** Fired on window after each seed handed out, so what shows the next number can follow. */
export const SEED_USED_EVENT = 'fairplay-seed-used';

export type SeedSetting = { readonly kind: 'random' } | { readonly kind: 'phrase'; readonly phrase: string };
/** How a seed was made: at random, or as seed `counter` of the phrase with this fingerprint. */
export type SeedOrigin = { readonly kind: 'random' } | { readonly kind: 'phrase'; readonly counter: number; readonly fingerprint: string };

/** Seed `counter` of a phrase (see the module comment), hex. */
export function phraseSeed(phrase: string, counter: number): string {
  return bytesToHex(sha256(concatBytes(field(utf8ToBytes(PHRASE_TAG)), field(utf8ToBytes(phrase.normalize('NFC'))), u64(counter))));
}

/** A short name of a phrase that does not show it: the first 4 bytes of seed 2^53 − 1 of it, hex. */
export function phraseFingerprint(phrase: string): string {
  return phraseSeed(phrase, Number.MAX_SAFE_INTEGER).slice(0, 8);
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
  const s = readJson<Partial<{ kind: string; phrase: string }>>(SETTING_KEY, {});
  return s.kind === 'phrase' && typeof s.phrase === 'string' && s.phrase.length >= MIN_PHRASE_LENGTH ? { kind: 'phrase', phrase: s.phrase } : { kind: 'random' };
}

/** Why a phrase cannot be used, or undefined. */
export function phraseProblem(phrase: string): string | undefined {
  if (phrase.length < MIN_PHRASE_LENGTH) return `A seed phrase needs at least ${MIN_PHRASE_LENGTH} characters: a short one is easy to guess.`;
  return undefined;
}

/** Sets the source for the next draws; throws with a sentence on a phrase too short. */
export function setSeedSetting(setting: SeedSetting): void {
  if (setting.kind === 'phrase') {
    const problem = phraseProblem(setting.phrase);
    if (problem) throw new Error(problem);
  }
  localStorage.setItem(SETTING_KEY, JSON.stringify(setting));
}

/** The counter the phrase's next seed gets (0 for a phrase never used in this browser). */
export function nextCounter(phrase: string): number {
  const counter = readJson<Record<string, number>>(COUNTERS_KEY, {})[phraseFingerprint(phrase)];
  return Number.isSafeInteger(counter) && (counter as number) >= 0 ? (counter as number) : 0;
}

/**
 * Sets the number the phrase's next seed gets (after clearing site data, say), never lower than
 * this browser's: a seed of a number already used was revealed in a public transcript, so the
 * server (and anyone) would know it before the draw, and could see the result before signing it.
 */
export function setNextCounter(phrase: string, counter: number): void {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error('The next seed number must be a whole number, 0 or more.');
  const used = nextCounter(phrase);
  if (counter < used)
    throw new Error(`This browser already used seed numbers up to ${used - 1} of this phrase, and those seeds are public: the next number must be ${used} or more.`);
  const counters = readJson<Record<string, number>>(COUNTERS_KEY, {});
  counters[phraseFingerprint(phrase)] = counter;
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
  const fingerprint = phraseFingerprint(setting.phrase);
  const counter = nextCounter(setting.phrase);
  // The counter moves on before the seed is used: a seed of a phrase is never handed out twice.
  const counters = readJson<Record<string, number>>(COUNTERS_KEY, {});
  counters[fingerprint] = counter + 1;
  localStorage.setItem(COUNTERS_KEY, JSON.stringify(counters));
  const seed = phraseSeed(setting.phrase, counter);
  remember(seedCommitment(seed), { kind: 'phrase', counter, fingerprint });
  window.dispatchEvent(new Event(SEED_USED_EVENT));
  return seed;
}
