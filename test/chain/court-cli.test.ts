/**
 * The CLI's check of the reveal court (`verify-transcript --rpc URL --court ADDRESS`), against a
 * real anvil with the contracts deployed: a room's draws by one player, played through the
 * server's own RoomTranscript, some taken to the court with the player's seed, and answered by
 * the test playing the server's answer role. A right answer for a settled draw (its beta, 0 coins)
 * and for a voided win (0 coins too: the draw is settled in chips) pass; a payout off by one, a
 * voided win paid its profit in coins (as answers paid before wins moved chips only), a case
 * claimed with no answer, and one unanswered past its window each fail the run, saying which and why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, Wallet, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { createFairnessContext } from '../../server/fairness/context.ts';
import { RoomTranscript } from '../../server/fairness/room-transcript.ts';
import { getSuite } from '../../vrf/index.ts';
import { main } from '../../vrf/cli.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { signDrawRequest } from '../../vrf/protocol/authorization.ts';
import { newSeed, seedCommitment } from '../../vrf/protocol/commitment.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { bytesToHex } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { fund, passTime, revealToCourt } from '../helpers/court.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';
import { journalRoomLog } from '../helpers/journal-room-log.ts';

const WINDOW = 600;
const BET = { stake: 10_000_000, target: 5000, direction: 'under' } as const; // 10 chips: maxPayout 19 coins

let chain: FairnessChain;
let answerer: JsonRpcSigner;
let court: Contract;
let room: RoomTranscript;
let keys: { suite: string; publicKey: string; receiptSigner: string };
const suite = getSuite('ECVRF-EDWARDS25519-SHA512-TAI');
const sk = crypto.getRandomValues(new Uint8Array(32));
const player = new Wallet(bytesToHex(crypto.getRandomValues(new Uint8Array(32))));
const dir = mkdtempSync(join(tmpdir(), 'court-cli-'));

beforeAll(async () => {
  chain = await startFairnessChain();
  const [admin, server] = chain.signers as [JsonRpcSigner, JsonRpcSigner];
  answerer = server;
  const adminAddress = await admin.getAddress();
  const operator = Wallet.createRandom();
  const assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, 86_400);
  await mined(assets.getFunction('configureToken')(1n, 10n ** 30n, 10n ** 30n));
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  const registry = await chain.deploy('FairnessRegistry', admin, adminAddress, 86_400);
  await mined(registry.getFunction('registerSigner')(operator.address));
  court = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), 1n, WINDOW, 3_600, adminAddress);
  await mined(court.getFunction('grantRole')(await court.getFunction('ANSWER_ROLE')(), await server.getAddress()));
  await mined(assets.getFunction('mintAwards')([await court.getAddress()], [1n], [1_000n], ['0x' + '77'.repeat(32)]));
  await fund(chain.provider, player.address);
  // Receipts issued just after the signer's registration, on the chain's clock.
  const issuedAt = ((await chain.now()) + 1) * 1000;
  const ctx = createFairnessContext({
    suite,
    vrfPublicKey: suite.publicKey(sk),
    operatorKey: operator.privateKey,
    operatorAddress: operator.address,
    prover: { prove: async (alpha) => ({ pi: suite.prove(sk, alpha), beta: suite.proofToHash(suite.prove(sk, alpha)) }), close: async () => undefined },
    rules: Object.values(PUBLISHED_RULES),
    now: () => issuedAt,
  });
  keys = { suite: suite.name, publicKey: bytesToHex(suite.publicKey(sk)), receiptSigner: operator.address };
  room = await RoomTranscript.open(await journalRoomLog(join(dir, 'room.jsonl')), 'court-cli', ctx);
});
afterAll(async () => {
  await chain?.close();
});

/** A dice bet by the player: its receipt and seed; revealed and settled, or voided (the seed kept from the room). */
async function bet(settle: boolean): Promise<{ receipt: ReceiptRecord; seed: string }> {
  const seed = newSeed();
  const authorization = { signature: await signDrawRequest(player, { roomId: room.roomId, game: 'dice', kind: 'roll', action: { ...BET }, commitment: seedCommitment(seed), rulesHash: rulesHash(PUBLISHED_RULES['dice']!) }) };
  const receipt = await room.receipt({ game: 'dice', kind: 'roll', action: { ...BET }, players: [{ address: player.address, commitment: seedCommitment(seed), authorization }] });
  if (settle) {
    await room.reveal(receipt.drawSeq, player.address, seed);
    await room.settle(receipt.drawSeq);
  } else await room.void(receipt.drawSeq, 'reveal-timeout');
  return { receipt, seed };
}

/** The draw's true proof and output, the coins an answer owes (0) and the payout its outcome credits in chips (units). */
function truth(d: { receipt: ReceiptRecord; seed: string }): { pi: Uint8Array; beta: Uint8Array; owed: number; payoutUnits: number } {
  const pi = suite.prove(sk, receiptAlpha(d.receipt, [d.seed]));
  const beta = suite.proofToHash(pi);
  const { coins, payoutUnits } = courtSettlement(d.receipt, beta, PUBLISHED_RULES['dice']!.terms);
  return { pi, beta, owed: coins, payoutUnits };
}

/** Voided bets until one whose outcome wins (half of them do). */
async function voidedWin(): Promise<{ receipt: ReceiptRecord; seed: string }> {
  for (let i = 0; i < 40; i++) {
    const d = await bet(false);
    if (truth(d).payoutUnits > 0) return d;
  }
  throw new Error('40 voided bets and not one win');
}

/** The player takes the draw to the court; the answer role posts the draw's true beta and pi with `payout` (none when undefined). */
async function toCourt(d: { receipt: ReceiptRecord; seed: string }, payout?: (owed: number) => number): Promise<{ caseId: string; owed: number; answerBy: number }> {
  const { caseId, answerBy } = await revealToCourt(await court.getAddress(), player.connect(chain.provider), d.receipt, d.seed);
  const { pi, beta, owed } = truth(d);
  if (payout) await mined((court.connect(answerer) as Contract).getFunction('answer')('0x' + caseId, '0x' + bytesToHex(beta), '0x' + bytesToHex(pi), payout(owed)));
  return { caseId, owed, answerBy };
}

/** Runs the CLI on the room's transcript as it stands: exit code and lines. */
async function cli(): Promise<{ code: number; lines: string[] }> {
  const file = join(dir, `transcript-${room.recordCount}.json`);
  writeFileSync(file, JSON.stringify(await room.transcript()));
  const lines: string[] = [];
  const code = await main(['verify-transcript', file, '--pk', keys.publicKey, '--signer', keys.receiptSigner, '--rpc', chain.node.url, '--court', await court.getAddress()], (l) => lines.push(l));
  console.log(lines.join('\n'));
  return { code, lines };
}

describe('verify-transcript --court', () => {
  it('passes right answers: a settled draw answered with its beta and 0 coins, a voided win with 0 coins too (settled in chips)', async () => {
    const settled = await bet(true);
    await toCourt(settled, () => 0);
    const voided = await voidedWin();
    const { owed } = await toCourt(voided, (o) => o);
    expect(owed).toBe(0); // a won 10-chip bet at 1.98: 19.8 chips credited, no coins
    await bet(true); // never taken to the court: no line
    const { code, lines } = await cli();
    expect(lines.filter((l) => l.startsWith('court'))).toEqual([
      expect.stringMatching(/^court case of draw 0 \(0x[0-9a-f]{16}…\): answered, paid 0 coins: ok$/),
      expect.stringMatching(new RegExp(`^court case of draw ${voided.receipt.drawSeq} \\(0x[0-9a-f]{16}…\\): answered, paid 0 coins: ok$`)),
      expect.stringMatching(/^court 0x[0-9a-fA-F]{40}: \d+ receipts it could take, 2 taken there$/),
    ]);
    expect(code).toBe(0);
  });

  it('fails a payout off by one, a win paid its profit in coins, a case claimed with no answer, and one unanswered past its window', async () => {
    const wrong = await bet(false);
    const { owed } = await toCourt(wrong, (o) => o + 1);
    // The profit in whole coins, as an answer paid before wins moved chips only: 9 for a won 10-chip bet at 1.98.
    const minted = await voidedWin();
    await toCourt(minted, () => 9);
    const claimed = await bet(false);
    const { caseId, answerBy } = await toCourt(claimed);
    await passTime(chain.provider, answerBy);
    await mined((court.connect(answerer) as Contract).getFunction('claim')('0x' + caseId));
    const unanswered = await bet(false);
    await toCourt(unanswered); // revealed now, and left unanswered
    await passTime(chain.provider, (await chain.now()) + WINDOW);
    const { code, lines } = await cli();
    const caseLine = (d: { receipt: ReceiptRecord }) => lines.find((l) => l.startsWith(`court case of draw ${d.receipt.drawSeq} `));
    expect(caseLine(wrong)).toMatch(new RegExp(`: answered, paid ${owed + 1} coins: payout ${owed + 1} where the answer owes ${owed} coins \\(the draw is settled in chips\\)$`));
    expect(caseLine(minted)).toMatch(/: answered, paid 9 coins: payout 9 where the answer owes 0 coins \(the draw is settled in chips\)$/);
    expect(caseLine(claimed)).toMatch(/: claimed for 19 coins: the server never answered$/);
    expect(caseLine(unanswered)).toMatch(/: revealed and still unanswered past its answer window \(.*\): claimable for 19 coins$/);
    expect(lines.filter((l) => l.startsWith('court case')).filter((l) => l.endsWith(': ok'))).toHaveLength(2); // the first test's
    expect(lines.at(-1)).toMatch(/: \d+ receipts it could take, 6 taken there: FAILED$/);
    expect(code).toBe(1);
  });

  it('says what is wrong when the court address holds no contract, and without --rpc refuses the arguments', async () => {
    const file = join(dir, 'any.json');
    writeFileSync(file, JSON.stringify(await room.transcript()));
    const lines: string[] = [];
    expect(await main(['verify-transcript', file, '--rpc', chain.node.url, '--court', '0x' + '42'.repeat(20)], (l) => lines.push(l))).toBe(1);
    expect(lines).toContain(`chain: no contract at 0x${'42'.repeat(20)} on chain 31337 (${chain.node.url}): check the court address and the chain`);
    const errors: string[] = [];
    expect(await main(['verify-transcript', file, '--court', await court.getAddress()], () => undefined, (l) => errors.push(l))).toBe(2);
    expect(errors.join()).toMatch(/--registry and --court read the chain: give --rpc too/);
  });
});
