import { Contract, hexlify, randomBytes, TypedDataEncoder, Wallet, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructValue } from '../../vrf/protocol/eip712.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { canonicalJson, hexToBytes } from '../../vrf/protocol/encoding.ts';
import { DOMAIN_V2, DRAW_RECEIPT_COURT } from '../../vrf/protocol/receipt.ts';
import { COURT_REVEAL } from '../../vrf/protocol/court-reveal.ts';
import { mined, revertError, revertOf, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { delegate, deployReceiver, type ReceiverName } from '../helpers/refusing-receivers.ts';
import { seededRandom } from '../helpers/seed.ts';

// The v2 receipt with its court terms (FAIRNESS.md section 5c), and the player's court request, as vrf/protocol signs them.
const COURT_RECEIPT = DRAW_RECEIPT_COURT;

const EPOCH = 86_400;
const WINDOW = 600;
const DELAY = 3_600;
const BOND = 1_000n;
const COIN = 1n;
const OTHER_TOKEN = 2n;
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
let registry: Contract;
/** A court with a bond of BOND coins, shared by the tests that need no bond figures of their own. */
let court: Contract;
const operator = freshWallet();
/** Gas of each court call, printed at the end (docs/performance.md). */
const gas: Record<string, bigint> = {};

beforeAll(async () => {
  chain = await startFairnessChain();
  [admin, server, stranger] = chain.signers as [JsonRpcSigner, JsonRpcSigner, JsonRpcSigner];
  const adminAddress = await admin.getAddress();
  assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, EPOCH);
  for (const id of [COIN, OTHER_TOKEN]) await mined(assets.getFunction('configureToken')(id, 10n ** 30n, 10n ** 30n));
  // The admin mints the bonds (and coins for the tests that send some); the court itself never mints.
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  registry = await chain.deploy('FairnessRegistry', admin, adminAddress, EPOCH);
  await mined(registry.getFunction('registerSigner')(operator.address));
  court = await bondedCourt(BOND);
});

afterAll(async () => {
  if (Object.keys(gas).length) console.log(`court gas on anvil: ${Object.entries(gas).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  await chain?.close();
});

/** Mints `amount` coins (or another token) to `to` through GameAssets, as an award. */
async function mintTo(to: string, amount: bigint, id = COIN, on: Contract = assets): Promise<void> {
  await mined(on.getFunction('mintAwards')([to], [id], [amount], ['0x' + hex32()]));
}

/** A new court on the shared registry and GameAssets, the server holding its answer role, with `bond` coins minted to it. */
async function bondedCourt(bond: bigint, withdrawDelay = DELAY): Promise<Contract> {
  const adminAddress = await admin.getAddress();
  const c = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), COIN, WINDOW, withdrawDelay, adminAddress);
  await mined(c.getFunction('grantRole')(await c.getFunction('ANSWER_ROLE')(), await server.getAddress()));
  if (bond > 0n) await mintTo(await c.getAddress(), bond);
  return c;
}

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

const reveal = (c: CourtCase, over: Partial<Pick<CourtCase, 'operatorSignature' | 'playerSignature' | 'seed'>> = {}, from: JsonRpcSigner = stranger, on: Contract = court) => {
  const x = { ...c, ...over };
  return (on.connect(from) as Contract).getFunction('reveal')(x.receipt, x.operatorSignature, x.playerSignature, x.seed);
};
const answer = (caseId: string, payout: bigint | number, on: Contract = court, from: JsonRpcSigner = server, beta = hexlify(randomBytes(64)), pi = hexlify(randomBytes(80))) =>
  (on.connect(from) as Contract).getFunction('answer')(caseId, beta, pi, payout);
const claim = (caseId: string, on: Contract = court) => (on.connect(stranger) as Contract).getFunction('claim')(caseId);
const caseOf = async (id: string, on: Contract = court) => (await on.getFunction('cases')(id)) as [string, bigint, bigint, bigint, bigint];
const eventsOf = (receipt: TransactionReceipt, name: string, on: Contract = court) =>
  receipt.logs.filter((l) => l.address.toLowerCase() === on.target.toString().toLowerCase()).map((l) => on.interface.parseLog(l)).filter((e) => e?.name === name);
const coinsOf = async (address: string) => (await assets.getFunction('balanceOf')(address, COIN)) as bigint;
/** The court's bond figures: [bond, reserved, freeBond, pending withdrawal amount, its executableAt]. */
const books = async (on: Contract = court) => {
  const [amount, at] = (await on.getFunction('pendingWithdrawal')()) as [bigint, bigint];
  return [await on.getFunction('bond')(), await on.getFunction('reserved')(), await on.getFunction('freeBond')(), amount, at] as bigint[];
};

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

describe('RevealCourt on a real node (anvil): reveals reserve the bond', () => {
  it('accepts a reveal signed by the registered operator and the player, records the case and reserves its maximum payout', async () => {
    const c = await courtCase();
    const [bond, reservedBefore] = await books();
    const receipt = await mined(reveal(c));
    const at = (await chain.provider.getBlock(receipt.blockNumber))!.timestamp;
    expect(await caseOf(c.caseId)).toEqual([c.player.address, 39n, BigInt(at), BigInt(at + WINDOW), 1n]);
    const [event] = eventsOf(receipt, 'Revealed');
    expect([...event!.args]).toEqual([c.caseId, c.player.address, c.receipt['roomId'], 7n, c.seed, BigInt(at + WINDOW)]);
    expect(await books()).toEqual([bond, reservedBefore! + 39n, bond! - reservedBefore! - 39n, 0n, 0n]);
    gas['reveal (the first open case)'] = receipt.gasUsed;
    console.log(`court reveal gas (the player pays): ${receipt.gasUsed} for a one-player dice receipt`);
    expect(await revertOf(reveal(c))).toBe('CaseExists');
    expect((await books())[1]).toBe(reservedBefore! + 39n); // reserved once
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

  it('refuses a reveal whose maximum payout the unreserved bond does not cover, naming both figures', async () => {
    const small = await bondedCourt(100n);
    await mined(reveal(await courtCase({ maxPayout: 70 }), {}, stranger, small));
    expect(await books(small)).toEqual([100n, 70n, 30n, 0n, 0n]);
    const big = await courtCase({ maxPayout: 31 });
    expect(await revertError(reveal(big, {}, stranger, small))).toEqual({ name: 'BondTooSmall', args: [31n, 30n] });
    expect((await caseOf(big.caseId, small))[4]).toBe(0n);
    await mined(reveal(await courtCase({ maxPayout: 30 }), {}, stranger, small)); // exactly what is free
    expect(await books(small)).toEqual([100n, 100n, 0n, 0n, 0n]);
    expect(await revertError(reveal(await courtCase({ maxPayout: 1 }), {}, stranger, small))).toEqual({ name: 'BondTooSmall', args: [1n, 0n] });
    await mined(reveal(await courtCase({ maxPayout: 0 }), {}, stranger, small)); // a draw that pays nothing needs no bond
    // Anyone tops the bond up by sending coins: the refused receipt then goes through.
    await mintTo(await stranger.getAddress(), 31n);
    await mined((assets.connect(stranger) as Contract).getFunction('safeTransferFrom')(await stranger.getAddress(), small.target, COIN, 31n, '0x'));
    await mined(reveal(big, {}, stranger, small));
    expect(await books(small)).toEqual([131n, 131n, 0n, 0n, 0n]);
    const empty = await bondedCourt(0n);
    expect(await revertError(reveal(await courtCase({ maxPayout: 1 }), {}, stranger, empty))).toEqual({ name: 'BondTooSmall', args: [1n, 0n] });
  });
});

describe('RevealCourt on a real node (anvil): answers pay the outcome', () => {
  it('takes an answer only from the answer role, only while the case is open, and never above the maximum payout', async () => {
    const c = await courtCase({ maxPayout: 40 });
    await mined(reveal(c));
    expect(await revertOf(answer(c.caseId, 0, court, stranger))).toBe('AccessControlUnauthorizedAccount');
    expect(await revertOf(answer('0x' + hex32(), 0))).toBe('NotOpen');
    expect(await revertError(answer(c.caseId, 41))).toEqual({ name: 'PayoutAboveMax', args: [41n, 40n] });
    expect((await caseOf(c.caseId))[4]).toBe(1n);
  });

  it('answered with payout 0 (a draw its room settled) pays nothing and releases the whole reservation', async () => {
    const c = await courtCase({ maxPayout: 40 });
    gas['reveal (other cases open)'] = (await mined(reveal(c))).gasUsed;
    const [bond, reserved] = await books();
    const [beta, pi] = [hexlify(randomBytes(64)), hexlify(randomBytes(80))];
    const receipt = await mined(answer(c.caseId, 0, court, server, beta, pi));
    expect([...eventsOf(receipt, 'Answered')[0]!.args]).toEqual([c.caseId, beta, pi, 0n]);
    expect(receipt.logs.map((l) => court.interface.parseLog(l)?.name ?? 'other')).toEqual(['Answered']); // no transfer
    expect(receipt.logs[0]!.topics[1]).toBe(c.caseId); // the case id, as the sender's id
    gas['answer (payout 0)'] = receipt.gasUsed;
    console.log(`court answer gas (the server pays): ${receipt.gasUsed} with payout 0, beta 64 bytes and pi 80 bytes`);
    expect(await books()).toEqual([bond, reserved! - 40n, bond! - reserved! + 40n, 0n, 0n]);
    expect(await coinsOf(c.player.address)).toBe(0n);
    expect((await caseOf(c.caseId))[4]).toBe(2n);
    expect(await revertOf(answer(c.caseId, 0))).toBe('NotOpen');
    await chain.advance(WINDOW + 1);
    expect(await revertOf(claim(c.caseId))).toBe('NotOpen'); // answered: nothing to claim
  });

  it('answered with a payout (a void or a draw never ended) pays the player that from the bond and releases the rest, even after answerBy', async () => {
    const c = await courtCase({ maxPayout: 40 });
    await mined(reveal(c));
    const [bond, reserved] = await books();
    await chain.advance(WINDOW + 1); // late, but unclaimed: still answered
    const receipt = await mined(answer(c.caseId, 25));
    expect([...eventsOf(receipt, 'Answered')[0]!.args].at(-1)).toBe(25n);
    gas['answer (payout > 0)'] = receipt.gasUsed;
    console.log(`court answer gas (the server pays): ${receipt.gasUsed} paying 25 coins`);
    expect(await coinsOf(c.player.address)).toBe(25n);
    expect(await books()).toEqual([bond! - 25n, reserved! - 40n, bond! - 25n - reserved! + 40n, 0n, 0n]);
    expect(await revertOf(claim(c.caseId))).toBe('NotOpen');
    expect(await revertOf(answer(c.caseId, 25))).toBe('NotOpen');
    expect(await coinsOf(c.player.address)).toBe(25n); // paid once
  });
});

describe('RevealCourt on a real node (anvil): claims pay from the bond', () => {
  it('pays an unanswered case its maximum payout once, to the player, after the answer window only', async () => {
    const c = await courtCase({ maxPayout: 40 });
    await mined(reveal(c));
    const [bond, reserved] = await books();
    expect(await revertOf(claim(c.caseId))).toBe('AnswerWindowOpen');
    await chain.advance(WINDOW + 1);
    const receipt = await mined(claim(c.caseId));
    expect(await coinsOf(c.player.address)).toBe(40n);
    expect([...eventsOf(receipt, 'Claimed')[0]!.args]).toEqual([c.caseId, c.player.address, 40n]);
    gas['claim'] = receipt.gasUsed;
    console.log(`court claim gas (the claimant pays): ${receipt.gasUsed}, paying 40 coins`);
    expect(await books()).toEqual([bond! - 40n, reserved! - 40n, bond! - reserved!, 0n, 0n]);
    expect(await revertOf(claim(c.caseId))).toBe('NotOpen');
    expect(await revertOf(answer(c.caseId, 0))).toBe('NotOpen'); // too late once claimed
    expect(await coinsOf(c.player.address)).toBe(40n);
    expect((await caseOf(c.caseId))[4]).toBe(3n);
  });

  it('claims a case of maximum payout 0 without a transfer', async () => {
    const c = await courtCase({ maxPayout: 0 });
    await mined(reveal(c));
    await chain.advance(WINDOW + 1);
    const receipt = await mined(claim(c.caseId));
    expect(receipt.logs.map((l) => court.interface.parseLog(l)?.name ?? 'other')).toEqual(['Claimed']);
  });

  it("pays a claim and an answer although GameAssets' admin set the coin caps to 0 and revoked every minter", async () => {
    const own = await bondedCourt(100n);
    const [unanswered, voided] = [await courtCase({ maxPayout: 60 }), await courtCase({ maxPayout: 40 })];
    for (const c of [unanswered, voided]) await mined(reveal(c, {}, stranger, own));
    await mined(assets.getFunction('configureToken')(COIN, 0n, 0n));
    const minter = await assets.getFunction('MINTER_ROLE')();
    await mined(assets.getFunction('revokeRole')(minter, await admin.getAddress()));
    expect(await revertOf(mintTo(stranger.address, 1n))).toBe('AccessControlUnauthorizedAccount');
    try {
      await chain.advance(WINDOW + 1);
      await mined(claim(unanswered.caseId, own));
      await mined(answer(voided.caseId, 15, own));
      expect([await coinsOf(unanswered.player.address), await coinsOf(voided.player.address)]).toEqual([60n, 15n]);
      expect(await books(own)).toEqual([25n, 0n, 25n, 0n, 0n]);
    } finally {
      await mined(assets.getFunction('grantRole')(minter, await admin.getAddress()));
      await mined(assets.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
    }
  });
});

describe('RevealCourt on a real node (anvil): the admin withdraws bond only as announced', () => {
  it('withdraws only after the delay, never reserved coins, and an announcement does not block reveals', async () => {
    const own = await bondedCourt(100n);
    const asAdmin = own.connect(admin) as Contract;
    const to = freshWallet().address;
    expect(await revertOf(asAdmin.getFunction('withdraw')(to))).toBe('NoWithdrawal');
    const open = await courtCase({ maxPayout: 30 });
    await mined(reveal(open, {}, stranger, own));
    const announced = await mined(asAdmin.getFunction('announceWithdrawal')(90n));
    const at = BigInt((await chain.provider.getBlock(announced.blockNumber))!.timestamp) + BigInt(DELAY);
    expect([...eventsOf(announced, 'WithdrawalAnnounced', own)[0]!.args]).toEqual([90n, at]);
    gas['announceWithdrawal'] = announced.gasUsed;
    expect(await books(own)).toEqual([100n, 30n, 0n, 90n, at]); // free bond counts the announcement
    // A pending withdrawal does not block a reveal: only reservations do.
    const later = await courtCase({ maxPayout: 20 });
    await mined(reveal(later, {}, stranger, own));
    expect(await revertError(reveal(await courtCase({ maxPayout: 51 }), {}, stranger, own))).toEqual({ name: 'BondTooSmall', args: [51n, 50n] });
    expect(await revertError(asAdmin.getFunction('withdraw')(to))).toEqual({ name: 'WithdrawalNotDue', args: [at] });
    await chain.advance(DELAY);
    const receipt = await mined(asAdmin.getFunction('withdraw')(to));
    gas['withdraw'] = receipt.gasUsed;
    console.log(`court announceWithdrawal gas ${announced.gasUsed}, withdraw gas ${receipt.gasUsed}`);
    // 90 announced, 50 reserved: only the 50 unreserved coins leave.
    expect([...eventsOf(receipt, 'Withdrawn', own)[0]!.args]).toEqual([to, 50n]);
    expect(await coinsOf(to)).toBe(50n);
    expect(await books(own)).toEqual([50n, 50n, 0n, 0n, 0n]);
    expect(await revertOf(asAdmin.getFunction('withdraw')(to))).toBe('NoWithdrawal'); // made once
    // The reserved coins still pay their cases.
    await chain.advance(WINDOW + 1);
    await mined(claim(open.caseId, own));
    await mined(claim(later.caseId, own));
    expect([await coinsOf(open.player.address), await coinsOf(later.player.address)]).toEqual([30n, 20n]);
    expect(await books(own)).toEqual([0n, 0n, 0n, 0n, 0n]);
  });

  it('restarts the clock when a withdrawal is announced again, and takes announcements and withdrawals from the admin only', async () => {
    const own = await bondedCourt(100n);
    const asAdmin = own.connect(admin) as Contract;
    const asStranger = own.connect(stranger) as Contract;
    expect(await revertOf(asStranger.getFunction('announceWithdrawal')(1n))).toBe('AccessControlUnauthorizedAccount');
    await mined(asAdmin.getFunction('announceWithdrawal')(10n));
    await chain.advance(DELAY - 100);
    const again = await mined(asAdmin.getFunction('announceWithdrawal')(20n));
    const at = BigInt((await chain.provider.getBlock(again.blockNumber))!.timestamp) + BigInt(DELAY);
    await chain.advance(200); // past the first announcement's time, not the second's
    expect(await revertError(asAdmin.getFunction('withdraw')(admin.address))).toEqual({ name: 'WithdrawalNotDue', args: [at] });
    await chain.advance(DELAY);
    expect(await revertOf(asStranger.getFunction('withdraw')(stranger.address))).toBe('AccessControlUnauthorizedAccount');
    await mined(asAdmin.getFunction('withdraw')(admin.address));
    expect(await books(own)).toEqual([80n, 0n, 80n, 0n, 0n]);
    expect([await own.getFunction('answerWindow')(), await own.getFunction('withdrawDelay')(), await own.getFunction('coinTokenId')()]).toEqual([BigInt(WINDOW), BigInt(DELAY), COIN]);
  });
});

describe('RevealCourt on a real node (anvil): the bond takes coins only', () => {
  it('refuses other tokens of GameAssets and tokens of another contract, single or in a batch, and takes coins from anyone', async () => {
    const own = await bondedCourt(0n);
    const from = await stranger.getAddress();
    const send = (on: Contract, ids: bigint[], amounts: bigint[]) =>
      ids.length === 1
        ? (on.connect(stranger) as Contract).getFunction('safeTransferFrom')(from, own.target, ids[0], amounts[0], '0x')
        : (on.connect(stranger) as Contract).getFunction('safeBatchTransferFrom')(from, own.target, ids, amounts, '0x');
    await mintTo(from, 5n, OTHER_TOKEN);
    await mintTo(from, 10n);
    expect(await revertOf(send(assets, [OTHER_TOKEN], [5n]))).toBe('NotCoin');
    expect(await revertOf(send(assets, [COIN, OTHER_TOKEN], [1n, 1n]))).toBe('NotCoin');
    expect(await revertOf(mintTo(String(own.target), 5n, OTHER_TOKEN))).toBe('NotCoin');
    const lookalike = await chain.deploy('GameAssets', admin, 'https://elsewhere.example/{id}.json', await admin.getAddress(), EPOCH);
    await mined(lookalike.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
    await mined(lookalike.getFunction('grantRole')(await lookalike.getFunction('MINTER_ROLE')(), await admin.getAddress()));
    await mintTo(from, 10n, COIN, lookalike);
    expect(await revertOf(send(lookalike, [COIN], [3n]))).toBe('NotCoin'); // the coin id, but not GameAssets' coin
    expect(await revertOf(send(lookalike, [COIN, COIN], [1n, 1n]))).toBe('NotCoin');
    await mined(send(assets, [COIN], [4n]));
    await mined(send(assets, [COIN, COIN], [1n, 2n]));
    expect(await books(own)).toEqual([7n, 0n, 7n, 0n, 0n]);
    expect(await assets.getFunction('balanceOf')(own.target, OTHER_TOKEN)).toBe(0n);
    // ERC-165: an ERC-1155 receiver (0x4e2312e0) with access control (0x7965db0b).
    expect([await own.getFunction('supportsInterface')('0x4e2312e0'), await own.getFunction('supportsInterface')('0x7965db0b'), await own.getFunction('supportsInterface')('0xffffffff')]).toEqual([true, true, false]);
  });
});

describe('RevealCourt on a real node (anvil): a receiver that refuses its payment', () => {
  const owedOf = async (player: string, on: Contract) => (await on.getFunction('owed')(player)) as bigint;
  const owedTotal = async (on: Contract) => (await on.getFunction('owedTotal')()) as bigint;
  /** A fresh funded player whose address runs `receiver`'s code (EIP-7702), and its case at `on`. */
  async function refusingCase(receiver: ReceiverName, maxPayout: number, on: Contract): Promise<CourtCase & { wallet: Wallet }> {
    const c = await courtCase({ maxPayout });
    const wallet = c.player.connect(chain.provider);
    await chain.provider.send('anvil_setBalance', [wallet.address, '0xde0b6b3a7640000']);
    await delegate(wallet, chain.provider, receivers[receiver]);
    await mined(reveal(c, {}, stranger, on));
    return { ...c, wallet };
  }
  const receivers = {} as Record<ReceiverName, string>;
  beforeAll(async () => {
    const deployer = freshWallet().connect(chain.provider);
    await chain.provider.send('anvil_setBalance', [deployer.address, '0xde0b6b3a7640000']);
    for (const name of ['Picky', 'Burner'] as const) receivers[name] = await deployReceiver(name, deployer);
  });

  it('holds an answer\'s payout the player refuses: the answer lands, the player collects it in its own transaction', async () => {
    const own = await bondedCourt(100n);
    const c = await refusingCase('Picky', 40, own);
    const receipt = await mined(answer(c.caseId, 25, own));
    expect(eventsOf(receipt, 'PaymentHeld', own).map((e) => [...e!.args])).toEqual([[c.player.address, 25n]]);
    expect([...eventsOf(receipt, 'Answered', own)[0]!.args].at(-1)).toBe(25n);
    gas['answer (payout held: the receiver refuses)'] = receipt.gasUsed;
    expect((await caseOf(c.caseId, own))[4]).toBe(2n);
    expect([await coinsOf(c.player.address), await owedOf(c.player.address, own), await owedTotal(own)]).toEqual([0n, 25n, 25n]);
    // Held coins are the player's: not free bond.
    expect(await books(own)).toEqual([100n, 0n, 75n, 0n, 0n]);
    // Collected by someone else, the picky hook still refuses; by the player itself it takes them.
    expect(await revertError((own.connect(stranger) as Contract).getFunction('collect')(c.player.address))).toEqual({ name: 'Error', args: ['paid only in my own transactions'] });
    const collected = await mined((own.connect(c.wallet) as Contract).getFunction('collect')(c.player.address));
    expect(eventsOf(collected, 'Collected', own).map((e) => [...e!.args])).toEqual([[c.player.address, 25n]]);
    gas['collect'] = collected.gasUsed;
    console.log(`court answer gas with its payment held ${receipt.gasUsed}; collect gas ${collected.gasUsed}`);
    expect([await coinsOf(c.player.address), await owedOf(c.player.address, own), await owedTotal(own)]).toEqual([25n, 0n, 0n]);
    expect(await books(own)).toEqual([75n, 0n, 75n, 0n, 0n]);
    expect(await revertError((own.connect(stranger) as Contract).getFunction('collect')(c.player.address))).toEqual({ name: 'NothingOwed', args: [c.player.address] });
  });

  it('holds the payment of a receiver that burns all gas, at a bounded cost, and of a claim; held coins are never reserved nor withdrawn', async () => {
    const own = await bondedCourt(100n);
    const burner = await refusingCase('Burner', 40, own);
    // Too little gas for the transfer to run (PayGasTooLow, or out of gas): the answer fails whole, nothing is held.
    const tight = { gasLimit: 160_000 };
    await expect(mined((own.connect(server) as Contract).getFunction('answer')(burner.caseId, '0x', '0x', 30, tight))).rejects.toThrow(/revert/);
    expect((await caseOf(burner.caseId, own))[4]).toBe(1n);
    expect(await owedTotal(own)).toBe(0n);
    const answered = await mined(answer(burner.caseId, 30, own));
    expect(eventsOf(answered, 'PaymentHeld', own).map((e) => [...e!.args])).toEqual([[burner.player.address, 30n]]);
    gas['answer (payout held: the hook burns all gas)'] = answered.gasUsed;
    console.log(`court answer gas when the receiver's hook burns all it is given: ${answered.gasUsed}`);
    expect(answered.gasUsed).toBeLessThan(300_000n); // the 150,000 the transfer may use, and the answer's own
    const picky = await refusingCase('Picky', 20, own);
    await chain.advance(WINDOW + 1);
    const claimed = await mined(claim(picky.caseId, own));
    expect(eventsOf(claimed, 'PaymentHeld', own).map((e) => [...e!.args])).toEqual([[picky.player.address, 20n]]);
    expect([...eventsOf(claimed, 'Claimed', own)[0]!.args]).toEqual([picky.caseId, picky.player.address, 20n]);
    expect([await owedOf(burner.player.address, own), await owedOf(picky.player.address, own), await owedTotal(own)]).toEqual([30n, 20n, 50n]);
    // 100 coins: 50 held for players, 50 free. A reveal may reserve 50, not 51.
    expect(await books(own)).toEqual([100n, 0n, 50n, 0n, 0n]);
    expect(await revertError(reveal(await courtCase({ maxPayout: 51 }), {}, stranger, own))).toEqual({ name: 'BondTooSmall', args: [51n, 50n] });
    // The admin announces all 100 and gets the 50 no player is owed.
    const asAdmin = own.connect(admin) as Contract;
    await mined(asAdmin.getFunction('announceWithdrawal')(100n));
    expect((await books(own))[2]).toBe(0n);
    await chain.advance(DELAY);
    const to = freshWallet().address;
    const withdrawn = await mined(asAdmin.getFunction('withdraw')(to));
    expect([...eventsOf(withdrawn, 'Withdrawn', own)[0]!.args]).toEqual([to, 50n]);
    expect(await books(own)).toEqual([50n, 0n, 0n, 0n, 0n]);
    await mined(asAdmin.getFunction('announceWithdrawal')(50n));
    await chain.advance(DELAY);
    expect([...eventsOf(await mined(asAdmin.getFunction('withdraw')(to)), 'Withdrawn', own)[0]!.args]).toEqual([to, 0n]);
    // The picky player still collects its 20.
    await mined((own.connect(picky.wallet) as Contract).getFunction('collect')(picky.player.address));
    expect([await coinsOf(picky.player.address), await owedTotal(own), (await books(own))[0]]).toEqual([20n, 30n, 30n]);
  });
});
