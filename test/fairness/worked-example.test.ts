import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SigningKey } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { EARLIER_RULES, PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { main } from '../../vrf/cli.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { canonicalJson, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { sealDigest } from '../../vrf/protocol/receipt.ts';
import { recordHash, type HashedRecord, type ReceiptRecord } from '../../vrf/protocol/records.ts';
import { receiptProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { buildWorkedExample, inputs, workedExampleMarkdown, type WorkedExample } from './worked-example.ts';

const doc = readFileSync(fileURLToPath(new URL('../../FAIRNESS.md', import.meta.url)), 'utf8');
const v1 = JSON.parse(readFileSync(fileURLToPath(new URL('../vectors/transcript-v1.json', import.meta.url)), 'utf8')) as { keys: WorkedExample['keys']; transcript: Transcript };
let example: WorkedExample;
beforeAll(async () => {
  example = await buildWorkedExample();
});

/** A record appended to `t` and sealed with `key`, as the server would write it. */
function appendSealed(t: Transcript, record: Record<string, unknown>, key: string = inputs.operatorKey): Transcript {
  const unsigned = { ...record, seq: t.records.length, prev: t.records.at(-1)!.hash, roomId: t.roomId } as unknown as HashedRecord;
  const sealed = { ...unsigned, signature: new SigningKey(key).sign(sealDigest(unsigned)).serialized } as HashedRecord;
  return { ...t, records: [...t.records, { ...sealed, hash: recordHash(sealed) }] };
}

describe('FAIRNESS.md worked example (protocol v2)', () => {
  it('section 9 is exactly what the protocol code prints for the three rooms', () => {
    expect(doc).toContain(workedExampleMarkdown(example));
  });

  it('prints every rules document in full, with the hash receipts carry', () => {
    for (const [game, rules] of Object.entries(PUBLISHED_RULES)) {
      expect(doc).toContain(canonicalJson(rules as unknown as JsonValue));
      expect(doc).toContain(rulesHash(rules));
      expect(example[game as 'dice' | 'raid' | 'blackjack'].records[0]).toMatchObject({ type: 'receipt', rulesHash: rulesHash(rules) });
    }
  });

  it('prints every earlier rules document in full, with its hash, which a verifier accepts whatever it pinned', () => {
    const earlier = Object.entries(EARLIER_RULES).flatMap(([, docs]) => Object.entries(docs));
    expect(earlier.length).toBeGreaterThan(0);
    for (const [hash, rules] of earlier) {
      expect(rulesHash(rules)).toBe(hash);
      expect(doc).toContain(canonicalJson(rules as unknown as JsonValue));
      expect(doc).toContain(hash);
    }
  });

  it('every room verifies as v2, closed', () => {
    for (const t of [example.dice, example.raid, example.blackjack]) expect(verifyTranscript(t, example.keys)).toMatchObject({ ok: true, closed: true, pendingDraws: [], version: 2 });
    expect(example.blackjack.records.map((r) => r.type)).toEqual(['receipt', 'move', 'move', 'outcome', 'close']);
  });

  it('a changed roll, a changed move or a dropped move fails', () => {
    const roll = structuredClone(example.dice);
    (roll.records[1] as { result: Record<string, JsonValue> }).result['roll'] = 1;
    expect(verifyTranscript(roll, example.keys).records[1]!.problems.join()).toMatch(/hash field differs|result differs/);
    const moved = structuredClone(example.blackjack);
    (moved.records[1] as { move: string }).move = 'stand';
    expect(verifyTranscript(moved, example.keys).records[1]!.problems.join()).toMatch(/hash field differs/);
    const recomputed = { ...moved.records[1]!, hash: recordHash(moved.records[1]!) };
    const report = verifyTranscript({ ...moved, records: [moved.records[0]!, recomputed, ...moved.records.slice(2)] }, example.keys);
    expect(report.records[1]!.problems).toEqual(expect.arrayContaining([expect.stringMatching(/move not authorised by its player/), 'move not sealed by the pinned signer']));
  });

  it('reports hostile transcripts record by record instead of throwing', () => {
    const keys = example.keys;
    const oddPi = structuredClone(example.dice);
    (oddPi.records[1] as { pi: string }).pi += 'a';
    expect(verifyTranscript(oddPi, keys).records[1]).toMatchObject({ type: 'malformed' });
    const noHash = structuredClone(example.dice) as { records: { hash?: string }[] };
    delete noHash.records[0]!.hash;
    expect(verifyTranscript(noHash, keys).records[0]!.problems).toContain('record has no hash field');
    const twice = structuredClone(example.dice);
    const receipt = twice.records[0] as { players: string[]; commitments: string[] };
    receipt.players.push(receipt.players[0]!.toLowerCase());
    receipt.commitments.push(receipt.commitments[0]!);
    expect(verifyTranscript(twice, keys).records[0]).toMatchObject({ type: 'malformed' });
    expect(verifyTranscript({ format: 'nope' }, keys)).toMatchObject({ ok: false });
    const otherKey = { ...keys, publicKey: keys.publicKey.replace(/^../, '00') };
    expect(verifyTranscript(example.dice, otherKey).records[0]!.problems).toContain('receipt keyId is not the pinned key');
  });

  it('a player accepts its receipt, and refuses one that differs in any term', () => {
    const r = example.dice.records[0] as ReceiptRecord;
    const intended = { roomId: 'worked-dice', game: 'dice', kind: 'roll', action: { ...inputs.dice }, address: example.alice, commitment: seedCommitment(inputs.seeds.dice), rulesHash: rulesHash(PUBLISHED_RULES['dice']!) };
    const keys = example.keys;
    expect(receiptProblems(r, intended, keys, inputs.now)).toEqual([]);
    expect(receiptProblems(r, { ...intended, action: { ...intended.action, stake: 11 } }, keys, inputs.now)).toEqual(['receipt action differs from my request']);
    expect(receiptProblems(r, { ...intended, commitment: '00'.repeat(32) }, keys, inputs.now)).toEqual(['receipt does not hold my commitment']);
    expect(receiptProblems(r, { ...intended, rulesHash: 'ab'.repeat(32) }, keys, inputs.now)).toEqual(['receipt names other rules than the ones I signed for']);
    expect(receiptProblems(r, intended, { ...keys, receiptSigner: example.alice }, inputs.now)).toEqual(['receipt not signed by the pinned signer']);
    expect(receiptProblems({ ...r, signature: '0x00' }, intended, keys, inputs.now)[0]).toMatch(/cannot be checked/);
  });

  it('a finished room ends with a sealed close record; nothing may follow it or stay open', () => {
    const keys = example.keys;
    const close = (draws: number) => ({ type: 'close', drawSeq: draws, closedAt: inputs.now });
    const live = { ...example.raid, records: example.raid.records.slice(0, -1) };
    expect(verifyTranscript(live, keys)).toMatchObject({ ok: true, closed: false });
    const closed = appendSealed(live, close(1));
    expect(verifyTranscript(closed, keys)).toMatchObject({ ok: true, closed: true });
    const after = { ...closed, records: [...closed.records, { ...closed.records[1]!, seq: 3 }] };
    expect(verifyTranscript(after, keys).records[3]!.problems.join()).toMatch(/after the room's close record/);
    const early = appendSealed({ ...live, records: [live.records[0]!] }, close(1));
    expect(verifyTranscript(early, keys).records[1]!.problems.join()).toMatch(/draws 0 neither settled nor voided/);
    const forged = appendSealed(live, close(1), inputs.aliceKey);
    expect(verifyTranscript(forged, keys).records[2]!.problems).toEqual(['close not sealed by the pinned signer']);
  });

  it('commitment, roll and rules hash follow from the spec by independent arithmetic', () => {
    const commitment = createHash('sha256').update('fairplay-seed-v1').update(Buffer.from(inputs.seeds.dice, 'hex')).digest('hex');
    expect((example.dice.records[0] as ReceiptRecord).commitments[0]).toBe(commitment);
    const outcome = example.dice.records[1] as unknown as { beta: string; result: { roll: number; payout: number } };
    // int(10000): two bytes at a time, low 14 bits, until one is below 10000 (within beta's 64 bytes here).
    let at = 0;
    while ((parseInt(outcome.beta.slice(at, at + 4), 16) & 0x3fff) >= 10000) at += 4;
    expect(at).toBeLessThan(outcome.beta.length);
    expect(parseInt(outcome.beta.slice(at, at + 4), 16) & 0x3fff).toBe(outcome.result.roll);
    expect(outcome.result.payout).toBe(Math.floor((inputs.dice.stake * 9900) / inputs.dice.target));
    const dice = createHash('sha256').update(canonicalJson(PUBLISHED_RULES['dice'] as unknown as JsonValue)).digest('hex');
    expect((example.dice.records[0] as ReceiptRecord).rulesHash).toBe(dice);
  });

  it('a version 1 transcript (test/vectors/transcript-v1.json) still verifies, as version 1', () => {
    expect(verifyTranscript(v1.transcript, v1.keys)).toMatchObject({ ok: true, version: 1, pendingDraws: [] });
    const tampered = structuredClone(v1.transcript);
    (tampered.records[1] as { result: Record<string, JsonValue> }).result['roll'] = 1181;
    expect(verifyTranscript(tampered, v1.keys).ok).toBe(false);
  });
});

describe('vrf/cli.ts verify-transcript', () => {
  it('verifies the worked example with pinned keys and names a tampered record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(example.dice));
    const lines: string[] = [];
    expect(await main(['verify-transcript', good, '--pk', example.keys.publicKey, '--signer', example.keys.receiptSigner], (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe('verified: 3 records, room closed');
    const tampered = structuredClone(example.dice);
    const outcome = tampered.records[1] as { pi: string };
    outcome.pi = outcome.pi.replace(/^../, '00');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(tampered));
    const badLines: string[] = [];
    expect(await main(['verify-transcript', bad, '--pk', example.keys.publicKey, '--signer', example.keys.receiptSigner], (l) => badLines.push(l))).toBe(1);
    expect(badLines.join('\n')).toMatch(/record 1 outcome draw 0: .*(hash field differs|proof)/);
  });

  it('takes the rules a server publishes with --rules, and refuses a receipt under others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'dice.json');
    writeFileSync(file, JSON.stringify(example.dice));
    const fairness = join(dir, 'fairness.json');
    const run = (rules: unknown) => {
      writeFileSync(fairness, JSON.stringify({ rules }));
      return main(['verify-transcript', file, '--pk', example.keys.publicKey, '--signer', example.keys.receiptSigner, '--rules', fairness], () => undefined);
    };
    expect(await run(PUBLISHED_RULES)).toBe(0);
    expect(await run({ ...PUBLISHED_RULES, dice: { ...PUBLISHED_RULES['dice']!, terms: { ...PUBLISHED_RULES['dice']!.terms, edgeBps: 200 } } })).toBe(1);
  });
});
