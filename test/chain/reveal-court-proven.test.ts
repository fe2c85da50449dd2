/**
 * RevealCourt's proven answers (issue 19) on a real node (anvil): for a draw of the suite
 * ECVRF-SECP256K1-SHA256-TAI the court rebuilds alpha from the receipt and the revealed seed and
 * verifies the proof, its witnesses and beta itself. A right answer pays what it says; each kind
 * of wrong answer is refused, the case stays open, and after the window the claim pays the
 * receipt's maximum payout, as for a case never answered. Proofs, witnesses and alpha come from
 * vrf/ (the TypeScript the server runs), so the contract is checked against it, not against
 * values written here.
 */
import { Contract, hexlify, Wallet, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provenAnswerCalldata } from '../../server/court/court-contract.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { COURT_REVEAL } from '../../vrf/protocol/court-reveal.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import { DRAW_RECEIPT_COURT, receiptDigest, receiptMessage, type UnsignedReceipt } from '../../vrf/protocol/receipt.ts';
import { fastVerifyWitnesses, unverifiedWitnesses, type Secp256k1Witnesses } from '../../vrf/secp256k1-witnesses.ts';
import { mined, revertOf, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { randomSecretKey } from '../helpers/proven-loot.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';

const K1 = 'ECVRF-SECP256K1-SHA256-TAI';
const ED = 'ECVRF-EDWARDS25519-SHA512-TAI';
const vrf = getSuite(K1);
const EPOCH = 86_400;
const WINDOW = 600;
const COIN = 1n;
const DAY_MS = 86_400_000;
const EIP170_LIMIT = 24_576;

const rng = seededRandom('reveal court proven answers');
const bytes = (r: SeededRandom, n: number) => Uint8Array.from({ length: n }, () => r.int(0, 255));
const hex = (r: SeededRandom, n: number) => bytesToHex(bytes(r, n));
const wallet = (r: SeededRandom) => new Wallet('0x' + hex(r, 32));

let chain: FairnessChain;
let admin: JsonRpcSigner;
let server: JsonRpcSigner;
let stranger: JsonRpcSigner;
let assets: Contract;
let registry: Contract;
let court: Contract;
const operator = wallet(rng.fork('operator'));
const vrfKey = randomSecretKey(rng.fork('vrf key'));
const keyId = hex(rng.fork('key id'), 8);
/** A key id registered for an edwards25519 key: the RFC suites answer as before. */
const edKeyId = hex(rng.fork('ed key id'), 8);

beforeAll(async () => {
  chain = await startFairnessChain();
  [admin, server, stranger] = chain.signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  const adminAddress = await admin.getAddress();
  assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, EPOCH);
  await mined(assets.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  registry = await chain.deploy('FairnessRegistry', admin, adminAddress, EPOCH);
  await mined(registry.getFunction('registerSigner')(operator.address));
  await mined(registry.getFunction('registerVrfKey')('0x' + keyId, K1, vrf.publicKey(vrfKey)));
  await mined(registry.getFunction('registerVrfKey')('0x' + edKeyId, ED, '0x' + 'ab'.repeat(32)));
  court = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), COIN, WINDOW, 3_600, adminAddress);
  await mined(court.getFunction('grantRole')(await court.getFunction('ANSWER_ROLE')(), await server.getAddress()));
  await mined(assets.getFunction('mintAwards')([await court.getAddress()], [COIN], [10_000n], ['0x' + '11'.repeat(32)]));
});

afterAll(async () => {
  await chain?.close();
});

interface Case {
  readonly receipt: UnsignedReceipt;
  readonly caseId: string;
  readonly player: Wallet;
  readonly seed: string;
}

/** A one-player raid loot receipt (court terms), revealed to the court with its seed. */
async function revealedCase(r: SeededRandom, opts: { suite?: string; keyId?: string; maxPayout?: number } = {}): Promise<Case> {
  const player = wallet(r);
  const seed = hex(r, 32);
  const issuedAt = (await chain.now()) * 1000;
  const receipt: UnsignedReceipt = {
    type: 'receipt',
    seq: r.int(1, 1000),
    prev: hex(r, 32),
    roomId: `raid-${hex(r, 4)}`,
    drawSeq: r.int(0, 1000),
    game: 'raid',
    kind: 'loot',
    action: { chest: r.int(0, 15), round: r.int(0, 99), table: 'raid-loot-v1' },
    players: [player.address],
    commitments: [seedCommitment(seed)],
    suite: opts.suite ?? K1,
    keyId: opts.keyId ?? keyId,
    issuedAt,
    rulesHash: hex(r, 32),
    revealDeadline: issuedAt + DAY_MS,
    maxPayout: opts.maxPayout ?? 40,
  };
  const digest = receiptDigest(receipt);
  const caseId = '0x' + bytesToHex(digest);
  const message = receiptMessage(receipt);
  await mined(
    (court.connect(stranger) as Contract).getFunction('reveal')(
      DRAW_RECEIPT_COURT.message(message),
      operator.signingKey.sign(digest).serialized,
      player.signingKey.sign(COURT_REVEAL.digest({ receipt: caseId })).serialized,
      '0x' + seed,
    ),
  );
  return { receipt, caseId, player, seed };
}

/** The right answer to `c`: pi over the draw's alpha, its witnesses and beta, as the server makes them. */
function rightAnswer(c: Case, sk = vrfKey, seed = c.seed) {
  const alpha = receiptAlpha({ ...c.receipt, signature: '' }, [seed]);
  const pi = vrf.prove(sk, alpha);
  return { alpha, pi, beta: vrf.proofToHash(pi), witnesses: fastVerifyWitnesses(vrf.publicKey(sk), pi, alpha) };
}

const sendProven = (c: Case, a: { beta: Uint8Array; pi: Uint8Array; witnesses: Secp256k1Witnesses }, payout: number, seed = c.seed) =>
  server.sendTransaction({ to: court.target, data: provenAnswerCalldata(c.receipt, seed, a.beta, a.pi, a.witnesses, payout) });
const caseOf = async (id: string) => (await court.getFunction('cases')(id)) as [string, bigint, bigint, bigint, bigint];
const coinsOf = async (address: string) => (await assets.getFunction('balanceOf')(address, COIN)) as bigint;
const answerPlain = (id: string, beta: Uint8Array, pi: Uint8Array, payout: number) => (court.connect(server) as Contract).getFunction('answer')(id, beta, pi, payout);

describe('RevealCourt: proven answers for ECVRF-SECP256K1-SHA256-TAI (anvil)', () => {
  it('deploys under the EIP-170 limit', async () => {
    const size = (await chain.provider.getCode(court.target)).length / 2 - 1;
    console.log(`RevealCourt deployed code: ${size} bytes (EIP-170 limit ${EIP170_LIMIT})`);
    expect(size).toBeLessThanOrEqual(EIP170_LIMIT);
  });

  it('accepts the right answer and pays what it says; the unchecked answer is refused for such a case', async () => {
    const c = await revealedCase(rng.fork('right'));
    expect(await court.getFunction('provenAnswer')(c.caseId)).toBe(true);
    const a = rightAnswer(c);
    expect(await revertOf(answerPlain(c.caseId, a.beta, a.pi, 25))).toBe('ProofRequired');
    const tx: TransactionReceipt = await mined(sendProven(c, a, 25));
    const answered = tx.logs.map((l) => court.interface.parseLog(l)).find((e) => e?.name === 'Answered');
    expect([...answered!.args]).toEqual([c.caseId, hexlify(a.beta), hexlify(a.pi), 25n]);
    expect(await coinsOf(c.player.address)).toBe(25n);
    expect((await caseOf(c.caseId))[4]).toBe(2n);
    expect(await revertOf(sendProven(c, a, 25))).toBe('NotOpen');
    console.log(`court answerProven gas (payout 25, ctr ${a.witnesses.ctr}, alpha ${a.alpha.length} bytes): ${tx.gasUsed}`);

    // The same payment by the unchecked answer, for an RFC-suite case: the price of the check.
    const ed = await revealedCase(rng.fork('plain'), { suite: ED, keyId: edKeyId });
    expect(await court.getFunction('provenAnswer')(ed.caseId)).toBe(false);
    const plain = await mined(answerPlain(ed.caseId, bytes(rng, 64), bytes(rng, 80), 25));
    expect(await coinsOf(ed.player.address)).toBe(25n);
    console.log(`court answer gas, unchecked (payout 25, beta 64 and pi 80 bytes): ${plain.gasUsed}; proven minus unchecked: ${tx.gasUsed - plain.gasUsed}`);
  });

  it('prints the gas of proven answers next to unchecked ones (payout 0), over several draws', async () => {
    const r = rng.fork('gas');
    const proven: bigint[] = [];
    const plain: bigint[] = [];
    const ctrs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await revealedCase(r);
      const a = rightAnswer(c);
      ctrs.push(a.witnesses.ctr);
      proven.push((await mined(sendProven(c, a, 0))).gasUsed);
      expect((await caseOf(c.caseId))[4]).toBe(2n);
      const ed = await revealedCase(r, { suite: ED, keyId: edKeyId });
      plain.push((await mined(answerPlain(ed.caseId, bytes(r, 64), bytes(r, 80), 0))).gasUsed);
    }
    const median = (xs: bigint[]) => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))[xs.length >> 1]!;
    console.log(`court answer gas, payout 0, 6 draws: proven ${proven.join(', ')} (ctr ${ctrs.join(', ')}; median ${median(proven)}), unchecked ${plain.join(', ')} (median ${median(plain)})`);
  });

  it('refuses wrong answers on chain (another alpha, a flipped byte, wrong witnesses, a wrong beta or seed, another key); the claim then pays the maximum payout', async () => {
    const r = rng.fork('wrong');
    const c = await revealedCase(r, { maxPayout: 40 });
    const a = rightAnswer(c);
    // A valid proof, with its own witnesses and beta, for the alpha of another seed.
    const other = rightAnswer(c, vrfKey, hex(r, 32));
    expect(await revertOf(sendProven(c, other, 0))).toBe('WrongProof');
    expect(await revertOf(sendProven(c, other, 0, c.seed.replace(/^./, (d) => (d === '0' ? '1' : '0'))))).toBe('SeedMismatch');
    // A flipped byte of pi, with the right proof's witnesses and with those recomputed for the flipped proof.
    for (let i = 0; i < 6; i++) {
      const at = r.int(0, 80);
      const pi = Uint8Array.from(a.pi);
      pi[at]! ^= 1 << r.int(0, 7);
      expect(await revertOf(sendProven(c, { ...a, pi }, 0)), `byte ${at}`).toBe('WrongProof');
      let recomputed: Secp256k1Witnesses | undefined;
      try {
        recomputed = unverifiedWitnesses(vrf.publicKey(vrfKey), pi, a.alpha);
      } catch {
        // the flipped proof does not decode: no witnesses to recompute
      }
      if (recomputed) expect(await revertOf(sendProven(c, { beta: vrf.proofToHash(pi), pi, witnesses: recomputed }, 0)), `byte ${at}, recomputed witnesses`).toBe('WrongProof');
    }
    // Wrong witnesses for the right proof: each point moved, the counter moved.
    const w = a.witnesses;
    const bump = (p: readonly [bigint, bigint]): [bigint, bigint] => [p[0], p[1] + 1n];
    for (const wrong of [{ ...w, u: bump(w.u) }, { ...w, sH: bump(w.sH) }, { ...w, cGamma: bump(w.cGamma) }, { ...w, v: bump(w.v) }, { ...w, ctr: w.ctr + 1 }])
      expect(await revertOf(sendProven(c, { ...a, witnesses: wrong }, 0))).toBe('WrongProof');
    // The right proof with a wrong beta: another proof's output, one bit flipped, or too long.
    const flipped = Uint8Array.from(a.beta);
    flipped[r.int(0, 31)]! ^= 1;
    for (const beta of [other.beta, flipped, Uint8Array.of(...a.beta, 0)]) expect(await revertOf(sendProven(c, { ...a, beta }, 0))).toBe('WrongBeta');
    // A valid proof of the right alpha under an unregistered key.
    expect(await revertOf(sendProven(c, rightAnswer(c, randomSecretKey(r)), 0))).toBe('WrongProof');

    expect((await caseOf(c.caseId))[4]).toBe(1n);
    await chain.advance(WINDOW + 1);
    await mined((court.connect(stranger) as Contract).getFunction('claim')(c.caseId));
    expect(await coinsOf(c.player.address)).toBe(40n);
    expect(await revertOf(sendProven(c, a, 0))).toBe('NotOpen');
  });

  it('refuses the proof of a key registered after the reveal (the house could grind keys for the beta it likes); the claim then pays', async () => {
    const r = rng.fork('late key');
    const lateId = hex(r, 8);
    const c = await revealedCase(r, { keyId: lateId, maxPayout: 20 });
    expect(await court.getFunction('provenAnswer')(c.caseId)).toBe(true);
    const late = randomSecretKey(r);
    await mined(registry.getFunction('registerVrfKey')('0x' + lateId, K1, vrf.publicKey(late)));
    expect(await revertOf(sendProven(c, rightAnswer(c, late), 0))).toBe('KeyNotInForce');
    await chain.advance(WINDOW + 1);
    await mined((court.connect(stranger) as Contract).getFunction('claim')(c.caseId));
    expect(await coinsOf(c.player.address)).toBe(20n);
  });

  it('requires the proven answer when the receipt names an RFC suite but its key is of the secp256k1 suite, and cannot take one', async () => {
    const c = await revealedCase(rng.fork('mixed'), { suite: ED, keyId, maxPayout: 30 });
    expect(await court.getFunction('provenAnswer')(c.caseId)).toBe(true);
    const a = rightAnswer(c);
    expect(await revertOf(answerPlain(c.caseId, a.beta, a.pi, 0))).toBe('ProofRequired');
    expect(await revertOf(sendProven(c, a, 0))).toBe('NotProvenSuite');
    await chain.advance(WINDOW + 1);
    await mined((court.connect(stranger) as Contract).getFunction('claim')(c.caseId));
    expect(await coinsOf(c.player.address)).toBe(30n);
  });
});
