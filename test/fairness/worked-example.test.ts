import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { SigningKey } from 'ethers';
import { closeDigest } from '../../vrf/protocol/receipt.ts';
import { recordHash } from '../../vrf/protocol/records.ts';
import { receiptProblems, verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { buildWorkedExample, inputs } from './worked-example.ts';

const doc = readFileSync(fileURLToPath(new URL('../../FAIRNESS.md', import.meta.url)), 'utf8');
const example = buildWorkedExample();
const keys = { suite: inputs.suite, publicKey: example.publicKey, receiptSigner: example.operator };

describe('FAIRNESS.md worked example', () => {
  it('prints exactly the values the protocol code computes', () => {
    const printed = [
      example.publicKey,
      `keyId         ${example.keyId}`,
      `receiptSigner ${example.operator}`,
      `player        ${example.player}`,
      `commitment    ${example.commitment}`,
      example.receiptDigest,
      canonicalJson(example.receipt as unknown as JsonValue),
      `hash of record 0  ${example.receiptHash}`,
      `alpha  ${example.alpha}`,
      `pi     ${example.pi}`,
      `beta   ${example.beta}`,
      canonicalJson(example.outcome as unknown as JsonValue),
      `hash of record 1  ${example.outcomeHash}`,
    ];
    for (const value of printed) expect(doc).toContain(value);
  });

  it('its field-by-field alpha table concatenates to the alpha it prints', () => {
    const table = doc.split('alpha, field by field')[1]!.split('```')[1]!;
    const hex = table
      .split('\n')
      .map((line) => line.replace(/".*"|\b(version|suite|keyId|drawSeq|canonical|address|prevHash)\b.*$/g, ''))
      .join('')
      .replace(/[^0-9a-f]/g, '');
    expect(hex).toBe(example.alpha);
  });

  it('checks out with the transcript verifier, and a changed roll does not', () => {
    expect(verifyTranscript(example.transcript, keys)).toMatchObject({ ok: true, pendingDraws: [] });
    const tampered = structuredClone(example.transcript);
    (tampered.records[1] as { result: Record<string, JsonValue> }).result['roll'] = 1181;
    const report = verifyTranscript(tampered, keys);
    expect(report.ok).toBe(false);
    expect(report.records[1]!.problems.join()).toMatch(/hash field differs|result differs/);
  });

  it('reports hostile transcripts record by record instead of throwing', () => {
    const oddPi = structuredClone(example.transcript);
    (oddPi.records[1] as { pi: string }).pi += 'a';
    expect(verifyTranscript(oddPi, keys).records[1]).toMatchObject({ type: 'malformed' });
    const noHash = structuredClone(example.transcript) as { records: { hash?: string }[] };
    delete noHash.records[0]!.hash;
    expect(verifyTranscript(noHash, keys).records[0]!.problems).toContain('record has no hash field');
    const twice = structuredClone(example.transcript);
    const receipt = twice.records[0] as { players: string[]; commitments: string[] };
    receipt.players.push(receipt.players[0]!.toLowerCase());
    receipt.commitments.push(receipt.commitments[0]!);
    expect(verifyTranscript(twice, keys).records[0]).toMatchObject({ type: 'malformed' });
    expect(verifyTranscript({ format: 'nope' }, keys)).toMatchObject({ ok: false });
    const otherKey = { ...keys, publicKey: example.publicKey.replace(/^../, '00') };
    expect(verifyTranscript(example.transcript, otherKey).records[0]!.problems).toContain('receipt keyId is not the pinned key');
  });

  it('a player accepts its receipt, and refuses one that differs in any term', () => {
    const intended = {
      roomId: inputs.roomId,
      game: 'dice',
      kind: 'roll',
      action: { stake: 10, target: 5000, direction: 'under' },
      address: example.player,
      commitment: example.commitment,
    };
    const edge = { edgeBps: 100 };
    expect(receiptProblems(example.receipt, intended, keys, edge)).toEqual([]);
    expect(receiptProblems(example.receipt, { ...intended, action: { ...intended.action, stake: 11 } }, keys, edge)).toHaveLength(1);
    expect(receiptProblems(example.receipt, { ...intended, commitment: '00'.repeat(32) }, keys, edge)).toEqual(['receipt does not hold my commitment']);
    expect(receiptProblems(example.receipt, intended, { ...keys, receiptSigner: example.player }, edge)).toEqual(['receipt not signed by the pinned signer']);
    expect(receiptProblems({ ...example.receipt, signature: '0x00' }, intended, keys, edge)[0]).toMatch(/cannot be checked/);
  });

  it('a finished room ends with a signed close record; nothing may follow it or stay open', () => {
    const close = (records: typeof example.transcript.records, drawSeq: number, key: string = inputs.operatorKey) => {
      const unsigned = { seq: records.length, prev: records.at(-1)!.hash, roomId: inputs.roomId, drawSeq, type: 'close' as const, closedAt: inputs.issuedAt + 5000 };
      const record = { ...unsigned, signature: new SigningKey(key).sign(closeDigest(unsigned)).serialized };
      return { ...record, hash: recordHash(record) };
    };
    const live = example.transcript;
    expect(verifyTranscript(live, keys)).toMatchObject({ ok: true, closed: false });
    const closed = { ...live, records: [...live.records, close(live.records, 1)] };
    expect(verifyTranscript(closed, keys)).toMatchObject({ ok: true, closed: true });
    const after = { ...closed, records: [...closed.records, { ...closed.records[1]!, seq: 3 }] };
    expect(verifyTranscript(after, keys).records[3]!.problems.join()).toMatch(/after the room's close record/);
    const early = { ...live, records: [live.records[0]!, close(live.records.slice(0, 1), 1)] };
    expect(verifyTranscript(early, keys).records[1]!.problems.join()).toMatch(/draws 0 neither settled nor voided/);
    const forged = { ...live, records: [...live.records, close(live.records, 1, inputs.playerKey)] };
    expect(verifyTranscript(forged, keys).records[2]!.problems).toEqual(['close not signed by the pinned signer']);
  });

  it('commitment and roll follow from the spec by independent arithmetic', () => {
    const commitment = createHash('sha256').update('fairplay-seed-v1').update(Buffer.from(inputs.seed, 'hex')).digest('hex');
    expect(commitment).toBe(example.commitment);
    const first2 = parseInt(example.beta.slice(0, 4), 16);
    expect(first2 & 0x3fff).toBe(example.outcome.result['roll']);
    expect(Math.floor((10 * 9900) / 5000)).toBe(example.outcome.result['payout']);
  });
});

describe('vrf/cli.ts verify-transcript', () => {
  it('verifies the worked example with pinned keys and names a tampered record', async () => {
    const { main } = await import('../../vrf/cli.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'transcript-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(example.transcript));
    const lines: string[] = [];
    expect(main(['verify-transcript', good, '--pk', example.publicKey, '--signer', example.operator], (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe('verified: 2 records');
    const tampered = structuredClone(example.transcript);
    const outcome = tampered.records[1] as { pi: string };
    outcome.pi = outcome.pi.replace(/^../, '00');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(tampered));
    const badLines: string[] = [];
    expect(main(['verify-transcript', bad, '--pk', example.publicKey, '--signer', example.operator], (l) => badLines.push(l))).toBe(1);
    expect(badLines.join('\n')).toMatch(/record 1 outcome draw 0: .*(hash field differs|proof)/);
  });
});
