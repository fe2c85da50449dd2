/**
 * A server that moved to another VRF suite still answers court cases on receipts it issued under
 * the old suite's key (server/keys.ts `loadRetiredVrfKeys`, server/court/retired-provers.ts):
 * the old key file stays in DATA_DIR/keys/, and the answer is that key's proof, which verifies
 * under the old public key. A damaged old key file is skipped, never a reason not to start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { answerCase, type ServedRules } from '../../server/court/case-answer.ts';
import { retiredProvers } from '../../server/court/retired-provers.ts';
import { loadOrCreateKeys, loadRetiredVrfKeys } from '../../server/keys.ts';
import { getSuite, suites } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { newSeed, seedCommitment, vrfKeyId } from '../../vrf/protocol/commitment.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { receiptDigest, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { GENESIS_HASH, recordHash, type HashedRecord, type VoidRecord } from '../../vrf/protocol/records.ts';
import { randomWallet } from '../helpers/gambler.ts';

const OLD = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const NEW = getSuite('ECVRF-P256-SHA256-TAI');
const DICE = PUBLISHED_RULES['dice']!;
const RULES: ServedRules = { dice: { document: DICE, hash: rulesHash(DICE) } };
const dirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'fairplay-retired-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('VRF keys of a suite the server no longer draws with', () => {
  it('are loaded from their files, and none is created', () => {
    const dir = dataDir();
    const before = loadOrCreateKeys({ dataDir: dir, suite: OLD, env: {} });
    const now = loadOrCreateKeys({ dataDir: dir, suite: NEW, env: {} });
    const retired = loadRetiredVrfKeys({ dataDir: dir, current: NEW, all: Object.values(suites) });
    expect(retired.map((k) => k.suite.name)).toEqual([OLD.name]);
    expect(bytesToHex(retired[0]!.publicKey)).toBe(bytesToHex(before.vrfPublicKey));
    expect(bytesToHex(now.vrfPublicKey)).not.toBe(bytesToHex(before.vrfPublicKey));
    expect(loadRetiredVrfKeys({ dataDir: dataDir(), current: NEW, all: Object.values(suites) })).toEqual([]);
  });

  it('a damaged one is logged and left out', () => {
    const dir = dataDir();
    loadOrCreateKeys({ dataDir: dir, suite: NEW, env: {} });
    writeFileSync(join(dir, 'keys', `vrf-${OLD.name}.key`), 'not a key\n', { mode: 0o600 });
    const logged: string[] = [];
    expect(loadRetiredVrfKeys({ dataDir: dir, current: NEW, all: Object.values(suites), log: (m) => logged.push(m) })).toEqual([]);
    expect(logged.join('\n')).toMatch(/could not be read/);
  });

  it("answer a voided draw receipted under the old key with that key's proof", async () => {
    const dir = dataDir();
    const old = loadOrCreateKeys({ dataDir: dir, suite: OLD, env: {} });
    const current = loadOrCreateKeys({ dataDir: dir, suite: NEW, env: {} });
    const oldKeyId = vrfKeyId(OLD.name, old.vrfPublicKey);
    const player = randomWallet();
    const seed = newSeed();
    const unsigned: UnsignedReceipt = {
      seq: 0, prev: GENESIS_HASH, roomId: 'room-retired', drawSeq: 0, type: 'receipt', game: 'dice', kind: 'roll',
      action: { stake: 10_000_000, target: 5000, direction: 'under' }, players: [player.address], commitments: [seedCommitment(seed)],
      suite: OLD.name, keyId: oldKeyId, issuedAt: 1_800_000_000_000, rulesHash: RULES['dice']!.hash, revealDeadline: 1_800_086_400_000, maxPayout: 19,
    };
    const receipt = { ...unsigned, signature: randomWallet().signingKey.sign(receiptDigest(unsigned)).serialized };
    const voided = { seq: 1, prev: recordHash(receipt), roomId: 'room-retired', drawSeq: 0, type: 'void', receiptSeq: 0, reason: 'reveal-timeout', missing: [0] } satisfies VoidRecord;
    const records = [{ ...receipt, hash: recordHash(receipt) }, { ...voided, hash: recordHash(voided) }] as HashedRecord[];
    const c = { caseId: bytesToHex(receiptDigest(receipt)), player: player.address, roomId: 'room-retired', drawSeq: 0, seed, answerBy: 1_800_100_000, blockNumber: 1 };
    const refuse = { prove: () => Promise.reject(new Error('the current key must not prove an old receipt')) };
    const currentKeyId = vrfKeyId(NEW.name, current.vrfPublicKey);
    const base = { rooms: { records: async () => records }, prover: refuse, keyId: currentKeyId, rules: RULES, now: () => 1_800_001_000_000 };

    const without = await answerCase(c, base);
    expect(without).toMatchObject({ kind: 'unknown', claimable: true });

    const provers = retiredProvers(loadRetiredVrfKeys({ dataDir: dir, current: NEW, all: Object.values(suites) }));
    const answer = await answerCase(c, { ...base, retiredProvers: provers });
    expect(answer.kind).toBe('answer');
    if (answer.kind !== 'answer') return;
    const verified = OLD.verify(old.vrfPublicKey, receiptAlpha(receipt, [seed]), answer.pi);
    expect(verified.valid).toBe(true);
    if (verified.valid) expect(bytesToHex(verified.beta)).toBe(bytesToHex(answer.beta));
  });
});
