/**
 * "Why it failed", in words a player without crypto knowledge reads: each problem string the
 * transcript verifier reports (vrf/protocol/verifier.ts, record-checks.ts, registry-check.ts,
 * transcript.ts) mapped to a sentence on what it means for the draw. The exact technical problem
 * stays on the page beside it (in a details element); a problem no rule here knows gets a plain
 * fallback, never silence.
 * @module
 */

/** First match wins: more specific patterns come before general ones. */
const RULES: readonly (readonly [RegExp, string])[] = [
  [/beta differs/, 'The random number written down is not the one the proof gives.'],
  [/^proof: /, "The proof does not check out under the server's published key: this random number was not produced by that key for this draw."],
  [/result cannot be recomputed/, "The game's published rules cannot give a result for this draw as recorded: a bet or move in it is one they do not allow."],
  [/result differs from the one computed/, "The result written down is not what the game's published rules give for the draw's random number."],
  [/alpha (differs|cannot be rebuilt)/, "The draw's input is not the one built from the receipt and the players' seeds."],
  [/seed \d+ does not match its commitment|seed count differs/, "A seed revealed is not the one its player committed to before the draw."],
  [/already used .*reused/, 'A seed commitment was used before: a reused seed would let the server choose among re-rolls.'],
  [/hash field differs|has no hash field/, 'The record was changed after it was written: its contents no longer match its fingerprint (hash).'],
  [/prev is not the hash of the previous record/, 'The chain of records is broken here: this record does not follow the one before it, so a record was removed, added or changed.'],
  [/^seq \d+ where/, 'A record is missing or out of order before this one.'],
  [/belongs to another room|for another room/, 'This record belongs to another room.'],
  [/not (registered|in force) on chain|has no public key registered|registered on chain for key id|names no rules hash/, 'What this receipt names (its signer, key or rules) was not the one registered on chain when it was issued.'],
  [/not sealed by the pinned signer|seal: |carries a seal/, "The server's signature does not match this record: it is not the record the server signed with its published key."],
  [/receipt not signed by the pinned signer|receipt signature: |close not signed|close signature: /, "The record is not signed by the server's published signing key."],
  [/keyId is not the pinned key|names another VRF key|public key differs|the pinned public key/, "The record names another key than the server's published one."],
  [/suite/, 'The record uses another kind of proof than the one published.'],
  [/rulesHash .*is not the hash|no pinned rules|names other rules/, "The receipt names other game rules than the ones published."],
  [/authori[sz]|delegation|no player asked/, 'No valid signature of the player asking for this draw or move: the server may have drawn it on its own.'],
  [/maxPayout|court terms|revealDeadline/, "The receipt's promise of what a withheld result pays is not the one the game's rules give."],
  [/drawSeq \d+ where/, 'The draws are not numbered in order: a draw is missing or repeated.'],
  [/no earlier receipt/, 'This record has no receipt for its draw before it.'],
  [/does not name its receipt/, "This record does not name its draw's receipt."],
  [/second outcome or void/, 'This draw had already ended: a second ending is not allowed.'],
  [/room closed with draws/, 'The room closed with draws left unfinished.'],
  [/close counts/, 'The close record counts another number of draws than the room had.'],
  [/after the room's close/, 'A record comes after the room closed.'],
  [/void reason|void names no player|void missing list/, 'The void does not give a published reason, or does not name whose seed never came.'],
  [/loot of|already opened|chests were never placed/, 'This chest could not be opened: it was never placed, or was already opened.'],
  [/take no moves|move on a draw|move by someone/, "A move was recorded that the game's rules do not allow here."],
  [/receipt signer differs/, "The transcript names another signer than the server's published one."],
  [/^not a transcript/, 'This is not a room transcript.'],
];

/** What a problem means, in words. */
export function whyWords(problem: string): string {
  return RULES.find(([pattern]) => pattern.test(problem))?.[1] ?? 'A check of this record failed (the details say which).';
}

/** The sentences for a record's problems, each once, in the order first met. */
export function whyLines(problems: readonly string[], malformed = false): string[] {
  if (malformed) return ['This is not a well-formed record: a field is missing or has the wrong form.'];
  return [...new Set(problems.map(whyWords))];
}
