import { Contract, hexlify, randomBytes, TypedDataEncoder, Wallet, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructValue } from '../../vrf/protocol/eip712.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { canonicalJson, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { DOMAIN_V2, DRAW_RECEIPT_COURT } from '../../vrf/protocol/receipt.ts';
import { COURT_REVEAL } from '../../vrf/protocol/court-reveal.ts';
import { mined, revertOf, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { seededRandom } from '../helpers/seed.ts';

// The v2 receipt with its court terms (FAIRNESS.md section 5c), and the player's court request, as vrf/protocol signs them.
const COURT_RECEIPT = DRAW_RECEIPT_COURT;

const EPOCH = 86_400;
const WINDOW = 600;
const BUDGET = 100n;
const COIN = 1n;
const DAY_MS = 86_400_000;
const hex32 = () => hexlify(randomBytes(32)).slice(2);
/** A wallet from random bytes (no mnemonic derivation). */
const freshWallet = () => new Wallet(hexlify(randomBytes(32)));
const sign = (key: Wallet, digest: Uint8Array) => key.signingKey.sign(digest).serialized;

let chain: FairnessChain;
let admin: JsonRpcSigner;
let server: JsonRpcSigner;
let stranger: JsonRpcSigner;
let assets: Contract;
let court: Contract;
const operator = freshWallet();

beforeAll(async () => {
  chain = await startFairnessChain();
  [admin, server, stranger] = chain.signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  const adminAddress = await admin.getAddress();
  assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, EPOCH);
  await mined(assets.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
  const registry = await chain.deploy('FairnessRegistry', admin, adminAddress, EPOCH);
  await mined(registry.getFunction('registerSigner')(operator.address));
  court = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), COIN, WINDOW, BUDGET, EPOCH, adminAddress);
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), await court.getAddress()));
  await mined(court.getFunction('grantRole')(await court.getFunction('ANSWER_ROLE')(), await server.getAddress()));
});

afterAll(async () => {
  await chain?.close();
});

interface CourtCase {
  readonly receipt: StructValue;
  readonly caseId: string;
  readonly player: Wallet;
  readonly seed: string;
  readonly operatorSignature: string;
  readonly playerSignature: string;
}

/** A dice receipt issued now to a fresh player, signed by `signer`, and the player's court request. */
async function courtCase(opts: { maxPayout?: number; signer?: Wallet; issuedAt?: number; revealDeadline?: number; players?: number } = {}): Promise<CourtCase> {
  const player = freshWallet();
  const seed = hex32();
  const issuedAt = opts.issuedAt ?? (await chain.now()) * 1000;
  const others = Array.from({ length: (opts.players ?? 1) - 1 }, () => freshWallet());
  const receipt: StructValue = {
    roomId: `dice-${hex32().slice(0, 8)}`,
    drawSeq: 7,
    recordSeq: 15,
    prevHash: hex32(),
    game: 'dice',
    kind: 'roll',
    action: canonicalJson({ stake: 2_000_000, target: 4950, direction: 'under' }),
    players: [player.address, ...others.map((w) => w.address)],
    commitments: [seedCommitment(seed), ...others.map(() => hex32())],
    suite: 'ECVRF-EDWARDS25519-SHA512-TAI',
    keyId: '0d919fdcbe9bb1e8',
    issuedAt,
    rulesHash: hex32(),
    revealDeadline: opts.revealDeadline ?? issuedAt + DAY_MS,
    maxPayout: opts.maxPayout ?? 39,
  };
  const digest = COURT_RECEIPT.digest(receipt);
  return {
    receipt: COURT_RECEIPT.message(receipt) as StructValue,
    caseId: hexlify(digest),
    player,
    seed: '0x' + seed,
    operatorSignature: sign(opts.signer ?? operator, digest),
    playerSignature: sign(player, COURT_REVEAL.digest({ receipt: hexlify(digest) })),
  };
}

const reveal = (c: CourtCase, over: Partial<Pick<CourtCase, 'operatorSignature' | 'playerSignature' | 'seed'>> = {}, from: JsonRpcSigner = stranger) => {
  const x = { ...c, ...over };
  return (court.connect(from) as Contract).getFunction('reveal')(x.receipt, x.operatorSignature, x.playerSignature, x.seed);
};
const caseOf = async (id: string) => (await court.getFunction('cases')(id)) as [string, bigint, bigint, bigint, bigint];
const eventsOf = (receipt: TransactionReceipt, name: string) => receipt.logs.map((l) => court.interface.parseLog(l)).filter((e) => e?.name === name);

describe('RevealCourt: the receipt digest', () => {
  it('equals vrf/protocol\'s EIP-712 digest and ethers\' on random receipts', async () => {
    const random = seededRandom('court receipt digests');
    const chars = ['a', 'Z', '0', ' ', '"', '\\', 'é', 'ß', '中', '🎲', '\u0301', '{', '}'];
    const text = (max: number) => Array.from({ length: random.int(0, max) }, () => chars[random.int(0, chars.length - 1)]).join('');
    const u64 = () => random.int(0, Number.MAX_SAFE_INTEGER);
    const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[random.int(0, 15)]).join('');
    for (let i = 0; i < 24; i++) {
      const n = random.int(0, 3);
      const value: StructValue = {
        roomId: text(40),
        drawSeq: u64(),
        recordSeq: u64(),
        prevHash: hex(),
        game: text(12),
        kind: text(8),
        action: i % 3 === 0 ? '{}' : text(120),
        players: Array.from({ length: n }, () => freshWallet().address),
        commitments: Array.from({ length: random.int(0, 3) }, hex),
        suite: text(30),
        keyId: text(16),
        issuedAt: u64(),
        rulesHash: hex(),
        revealDeadline: u64(),
        maxPayout: u64(),
      };
      const ours = hexlify(COURT_RECEIPT.digest(value));
      expect(TypedDataEncoder.hash(DOMAIN_V2, COURT_RECEIPT.types, COURT_RECEIPT.message(value))).toBe(ours);
      expect(await court.getFunction('receiptDigest')(COURT_RECEIPT.message(value))).toBe(ours);
      const request = hexlify(COURT_REVEAL.digest({ receipt: ours }));
      expect(await court.getFunction('courtRevealDigest')(ours)).toBe(request);
    }
  });
});

describe('RevealCourt on a real node (anvil)', () => {
  it('accepts a reveal signed by the registered operator and the player, and records the case', async () => {
    const c = await courtCase();
    const receipt = await mined(reveal(c));
    const at = (await chain.provider.getBlock(receipt.blockNumber))!.timestamp;
    expect(await caseOf(c.caseId)).toEqual([c.player.address, 39n, BigInt(at), BigInt(at + WINDOW), 1n]);
    const [event] = eventsOf(receipt, 'Revealed');
    expect([...event!.args]).toEqual([c.caseId, c.player.address, c.receipt['roomId'], 7n, c.seed, BigInt(at + WINDOW)]);
    console.log(`court reveal gas (the player pays): ${receipt.gasUsed} for a one-player dice receipt`);
    expect(await revertOf(reveal(c))).toBe('CaseExists');
  });

  it('refuses a reveal by the wrong operator, a wrong player signature, a wrong seed, too late, or two players', async () => {
    const wrongOperator = await courtCase({ signer: freshWallet() });
    expect(await revertOf(reveal(wrongOperator))).toBe('NotOperatorSigned');
    const c = await courtCase();
    expect(await revertOf(reveal(c, { operatorSignature: '0x' + '00'.repeat(65) }))).toBe('NotOperatorSigned');
    // Issued before the operator's signer was registered: no signer was in force then.
    expect(await revertOf(reveal(await courtCase({ issuedAt: 1_000_000 })))).toBe('NotOperatorSigned');
    const stranger2 = freshWallet();
    expect(await revertOf(reveal(c, { playerSignature: sign(stranger2, COURT_REVEAL.digest({ receipt: c.caseId })) }))).toBe('NotPlayerSigned');
    expect(await revertOf(reveal(c, { playerSignature: c.operatorSignature }))).toBe('NotPlayerSigned'); // the receipt's own signature is no court request
    expect(await revertOf(reveal(c, { seed: '0x' + hex32() }))).toBe('SeedMismatch');
    const now = (await chain.now()) * 1000;
    const late = await courtCase({ issuedAt: now, revealDeadline: now + 1000 });
    await chain.advance(2);
    expect(await revertOf(reveal(late))).toBe('RevealTooLate');
    expect(await revertOf(reveal(await courtCase({ players: 2 })))).toBe('NotSinglePlayer');
    expect((await caseOf(c.caseId))[4]).toBe(0n);
  });

  it('takes an answer only from the answer role and only while the case is open', async () => {
    const c = await courtCase();
    await mined(reveal(c));
    const [beta, pi] = [hexlify(randomBytes(64)), hexlify(randomBytes(80))];
    expect(await revertOf((court.connect(stranger) as Contract).getFunction('answer')(c.caseId, beta, pi))).toBe('AccessControlUnauthorizedAccount');
    expect(await revertOf((court.connect(server) as Contract).getFunction('answer')('0x' + hex32(), beta, pi))).toBe('NotOpen');
    const receipt = await mined((court.connect(server) as Contract).getFunction('answer')(c.caseId, beta, pi));
    expect([...eventsOf(receipt, 'Answered')[0]!.args]).toEqual([c.caseId, beta, pi]);
    expect(receipt.logs[0]!.topics[1]).toBe(c.caseId); // the case id, as the sender's id
    console.log(`court answer gas (the server pays): ${receipt.gasUsed} with beta 64 bytes and pi 80 bytes`);
    expect((await caseOf(c.caseId))[4]).toBe(2n);
    expect(await revertOf((court.connect(server) as Contract).getFunction('answer')(c.caseId, beta, pi))).toBe('NotOpen');
    await chain.advance(WINDOW + 1);
    expect(await revertOf(court.getFunction('claim')(c.caseId))).toBe('NotOpen'); // answered: nothing to claim
  });

  it('pays an unanswered case its maximum payout once, to the player, after the answer window only', async () => {
    const c = await courtCase({ maxPayout: 40 });
    await mined(reveal(c));
    expect(await revertOf(court.getFunction('claim')(c.caseId))).toBe('AnswerWindowOpen');
    await chain.advance(WINDOW + 1);
    const receipt = await mined((court.connect(stranger) as Contract).getFunction('claim')(c.caseId));
    expect(await assets.getFunction('balanceOf')(c.player.address, COIN)).toBe(40n);
    expect(await assets.getFunction('awarded')(c.caseId)).toBe(true);
    expect([...eventsOf(receipt, 'Claimed')[0]!.args]).toEqual([c.caseId, c.player.address, 40n]);
    console.log(`court claim gas (the claimant pays): ${receipt.gasUsed}, minting 40 coins`);
    expect(await revertOf(court.getFunction('claim')(c.caseId))).toBe('NotOpen');
    expect(await revertOf((court.connect(server) as Contract).getFunction('answer')(c.caseId, '0x', '0x'))).toBe('NotOpen'); // too late once claimed
    expect(await assets.getFunction('balanceOf')(c.player.address, COIN)).toBe(40n);
    expect((await caseOf(c.caseId))[4]).toBe(3n);
  });

  it('keeps all claims of an epoch within the court budget, and opens again next epoch', async () => {
    const [a, b, zero] = [await courtCase({ maxPayout: 70 }), await courtCase({ maxPayout: 40 }), await courtCase({ maxPayout: 0 })];
    for (const c of [a, b, zero]) await mined(reveal(c));
    // Claims from the start of an epoch, so that all of them fall in one.
    const nextEpoch = (Math.floor((await chain.now()) / EPOCH) + 1) * EPOCH;
    await chain.provider.send('evm_setNextBlockTimestamp', [nextEpoch + WINDOW + 1]);
    await chain.provider.send('evm_mine', []);
    const epoch = BigInt(nextEpoch / EPOCH);
    await mined(court.getFunction('claim')(a.caseId));
    expect(await revertOf(court.getFunction('claim')(b.caseId))).toBe('CourtBudgetExceeded');
    const nothing = await mined(court.getFunction('claim')(zero.caseId)); // a draw that pays no coins mints nothing
    expect(nothing.logs.map((l) => court.interface.parseLog(l)?.name ?? 'other')).toEqual(['Claimed']);
    expect(await court.getFunction('spentInEpoch')(epoch)).toBe(70n);
    await chain.advance(EPOCH);
    await mined(court.getFunction('claim')(b.caseId));
    expect(await assets.getFunction('balanceOf')(b.player.address, COIN)).toBe(40n);
    expect(await court.getFunction('spentInEpoch')(epoch + 1n)).toBe(40n);
    expect([await court.getFunction('answerWindow')(), await court.getFunction('budgetPerEpoch')()]).toEqual([BigInt(WINDOW), BUDGET]);
  });
});
