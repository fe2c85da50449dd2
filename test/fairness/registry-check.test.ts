/**
 * Receipts against the fairness registry's entries (FAIRNESS.md section 7a), with entries made
 * here as the registry would hold them: the signer, key id and rules hash in force at a
 * receipt's issue pass; an unregistered one, one replaced before the issue, and a change
 * registered before the issue that applies only after it (its delay not yet run) each fail, in
 * `registryProblems` and through the one verifier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { entryAt, registryProblems, type RegistryEntries } from '../../vrf/protocol/registry-check.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { verifyTranscript } from '../../vrf/protocol/transcript.ts';
import { buildWorkedExample, inputs, type WorkedExample } from './worked-example.ts';

const DAY = 86_400;
const t = inputs.now / 1000; // every worked-example receipt's issue, in seconds
let example: WorkedExample;
let entries: RegistryEntries;
beforeAll(async () => {
  example = await buildWorkedExample();
  const receiptOf = (g: 'dice' | 'raid' | 'blackjack') => example[g].records[0] as ReceiptRecord;
  entries = {
    changeDelay: DAY,
    signers: [{ value: example.keys.receiptSigner.toLowerCase(), activeFrom: t - 10 * DAY }],
    vrfKeys: [{ value: example.keyId, activeFrom: t - 10 * DAY }],
    rules: Object.fromEntries((['dice', 'raid', 'blackjack'] as const).map((g) => [g, [{ value: receiptOf(g).rulesHash!, activeFrom: t - 10 * DAY }]])),
  };
});
const dice = () => example.dice.records[0] as ReceiptRecord;
const iso = (s: number) => new Date(s * 1000).toISOString();

describe('registryProblems', () => {
  it('passes a receipt whose signer, key and rules are in force at its issue (to the second)', () => {
    expect(registryProblems(dice(), entries)).toEqual([]);
    expect(registryProblems(dice(), { ...entries, vrfKeys: [{ value: example.keyId, activeFrom: t }] })).toEqual([]);
    expect(entryAt(entries.signers, t - 10 * DAY - 1)).toBeUndefined();
  });

  it('fails a rules change applied before its delay ran: registered, but in force only after the receipt', () => {
    const old = '11'.repeat(32);
    const changed = { ...entries, rules: { ...entries.rules, dice: [{ value: old, activeFrom: t - 10 * DAY }, { value: dice().rulesHash!, activeFrom: t + 1 }] } };
    expect(registryProblems(dice(), changed)).toEqual([
      `rules ${dice().rulesHash!.slice(0, 4)}… of dice are not in force on chain at ${iso(t)}: registered to apply from ${iso(t + 1)}; in force then: 1111…`,
    ]);
    // Through the verifier, as the CLI, /verify and the page run it.
    const report = verifyTranscript(example.dice, example.keys, { registry: changed });
    expect(report.ok).toBe(false);
    expect(report.records[0]!.problems).toEqual([expect.stringMatching(/^rules .* of dice are not in force on chain/)]);
    expect(verifyTranscript(example.dice, example.keys, { registry: entries })).toMatchObject({ ok: true, closed: true });
  });

  it('fails an unregistered signer, a replaced key and rules of a game with no entries', () => {
    const other = '0x' + 'ab'.repeat(20);
    expect(registryProblems(dice(), { ...entries, signers: [{ value: other, activeFrom: t - DAY }] })).toEqual([
      `receipt signer ${example.keys.receiptSigner.toLowerCase()} is not registered on chain; in force then: 0xabab…`,
    ]);
    expect(registryProblems(dice(), { ...entries, vrfKeys: [{ value: example.keyId, activeFrom: t - 2 * DAY }, { value: 'ff'.repeat(8), activeFrom: t - DAY }] })).toEqual([
      `VRF key ${example.keyId} is not in force on chain at ${iso(t)}: replaced from ${iso(t - DAY)}; in force then: ffff…`,
    ]);
    expect(registryProblems(dice(), { ...entries, rules: {} })).toEqual([
      `rules ${dice().rulesHash!.slice(0, 4)}… of dice are not registered on chain; nothing was in force then`,
    ]);
    expect(registryProblems({ ...dice(), signature: '0x00' }, entries)).toEqual(['receipt signature: signature must be 0x and 65 bytes of hex']);
  });

  it("fails a pinned VRF public key that is not the registry's own for the receipt's key id (a second key colliding on the 64-bit id)", () => {
    const registered = { suite: example.keys.suite, publicKey: example.keys.publicKey.replace(/^0x/, '').toLowerCase() };
    const withKeys = (publicKey: string) => ({ ...entries, vrfPublicKeys: { [example.keyId]: { ...registered, publicKey } } });
    expect(verifyTranscript(example.dice, example.keys, { registry: withKeys(registered.publicKey) })).toMatchObject({ ok: true });
    const report = verifyTranscript(example.dice, example.keys, { registry: withKeys('ab'.repeat(32)) });
    expect(report.ok).toBe(false);
    expect(report.records[0]!.problems).toEqual([`the pinned VRF public key is not the one registered on chain for key id ${example.keyId}`]);
    expect(verifyTranscript(example.dice, example.keys, { registry: { ...entries, vrfPublicKeys: {} } }).records[0]!.problems).toEqual([
      `VRF key ${example.keyId} has no public key registered on chain`,
    ]);
  });

  it('never throws on a game named like an Object property: its rules are simply not registered', () => {
    for (const game of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(registryProblems({ ...dice(), game }, { ...entries, rules: {} })).toContain(
        `rules ${dice().rulesHash!.slice(0, 4)}… of ${game} are not registered on chain; nothing was in force then`,
      );
  });
});
