/**
 * A rules change between a receipt and its court answer (FAIRNESS.md section 10): a player's
 * draws are voided after they revealed (the test switch FAIRPLAY_TEST_WITHHOLD=void-revealed-answered,
 * the stakes refunded), then the operator restarts the server with another house edge. The player
 * takes the old receipts to the court. Were the old rules' terms gone, each case could only be
 * claimed, for its whole maxPayout; the server keeps every rules document it served, by hash, so it
 * answers each case under the terms the receipt names: the payout the receipt was bet under, in
 * chips (an answer pays 0 coins: wins move chips only). GET /rules/:hash serves those earlier rules to verifiers, immutable.
 */
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { getSuite } from '../../vrf/index.ts';
import { receiptAlpha } from '../../vrf/protocol/alpha.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { caseStatus, coinBalanceAbi, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** 100 chips at 90%: a win pays 110 chips under the 1% edge, 108.9 under 2%. Six bets all lose once in a million. */
const BET = { stake: 100 * UNITS_PER_CHIP, target: 9000, direction: 'under' as const };
const BETS = 6;
const COIN = 1;
const env = { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed-answered' };

type Fairness = { keyId: string; rules: Record<string, RulesDocument>; chain: { gameAssets: string; court: { address: string } } };

const dataDir = tempDataDir();
let server: ServerProcess | undefined;
let provider: IpcJsonRpcProvider | undefined;
afterAll(async () => {
  provider?.destroy();
  await server?.stop();
});

describe('a court case on a receipt under rules the server served before a change', () => {
  it('is answered under the receipt\'s own terms, and GET /rules/:hash serves them', { timeout: timeoutWithStarts(2, 300_000) }, async () => {
    server = await startServerProcess({ dataDir, env });
    const before = await getJson<Fairness>(`${server.url}/fairness`);
    const earlier = before.rules['dice']!;
    const wallet = randomWallet();
    const chipsOf = async (): Promise<number> => (await getJson<{ balance: number }>(`${server!.url}/players/${wallet.address}/chips`)).balance;
    const player = await TestPlayer.join(server.url, { wallet, create: true });
    const bets: { receipt: ReceiptRecord; seed: string }[] = [];
    for (let i = 0; i < BETS; i++) {
      const chips = await chipsOf();
      const { receipt, seed } = await player.bet(BET);
      player.room.send('reveal', { drawSeq: receipt.drawSeq, seed });
      await player.next('void', (v) => v.drawSeq === receipt.drawSeq);
      await waitFor(async () => (await chipsOf()) === chips, { what: `the void of draw ${receipt.drawSeq} to refund its stake` });
      expect(receipt.rulesHash).toBe(rulesHash(earlier));
      bets.push({ receipt: receipt as ReceiptRecord, seed });
    }
    await player.room.leave();
    const chipsBefore = await chipsOf();

    // The operator doubles the house edge and restarts.
    await server.stop();
    server = await startServerProcess({ dataDir, env: { ...env, HOUSE_EDGE_BPS: '200' } });
    const after = await getJson<Fairness>(`${server.url}/fairness`);
    expect(rulesHash(after.rules['dice']!)).not.toBe(rulesHash(earlier));

    // The earlier rules, by their hash: the same document, immutable.
    const res = await fetch(`${server.url}/rules/${rulesHash(earlier)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/immutable/);
    const served = (await res.json()) as RulesDocument;
    expect(rulesHash(served)).toBe(rulesHash(earlier));
    expect((await fetch(`${server.url}/rules/${'ab'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${server.url}/rules/not-a-hash`)).status).toBe(400);

    provider = new IpcJsonRpcProvider(join(dataDir, 'chain', 'anvil.ipc'));
    const courtAddress = after.chain.court.address;
    const court = courtAt(courtAddress, provider);
    const assets = new Contract(after.chain.gameAssets, coinBalanceAbi, provider);
    const registered = (await new Contract(after.chain.gameAssets, readArtifact().abi as never, provider).getFunction('vrfKey')('0x' + after.keyId)) as { suite: string; publicKey: string };
    const suite = getSuite(registered.suite);
    const publicKey = hexToBytes(registered.publicKey.slice(2));
    const playerWallet = wallet.connect(provider) as Wallet;
    await fund(provider, playerWallet.address);

    let owedUnits = 0;
    let wins = 0;
    for (const { receipt, seed } of bets) {
      const coinsBefore = (await assets.getFunction('balanceOf')(wallet.address, COIN)) as bigint;
      const revealed = await revealToCourt(courtAddress, playerWallet, receipt, seed);
      await waitFor(async () => (await caseStatus(court, revealed.caseId)) === 2, { what: `the server to answer the case of draw ${receipt.drawSeq}`, timeout: 60_000, interval: 250 });
      const [answered] = await provider.getLogs({ address: courtAddress, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
      const event = courtAbi.parseLog(answered!)!;
      const pi = hexToBytes((event.args.getValue('pi') as string).slice(2));
      const payout = event.args.getValue('payout') as bigint;
      const verified = suite.verify(publicKey, receiptAlpha(receipt, [seed]), pi);
      if (!verified.valid) throw new Error(`the answer's pi for draw ${receipt.drawSeq} does not verify against the published VRF key`);
      const underReceipt = courtSettlement(receipt, verified.beta, earlier.terms);
      const underNew = courtSettlement(receipt, verified.beta, after.rules['dice']!.terms);
      expect(payout).toBe(BigInt(underReceipt.coins));
      expect((await assets.getFunction('balanceOf')(wallet.address, COIN)) as bigint).toBe(coinsBefore + payout);
      owedUnits += underReceipt.payoutUnits - BET.stake;
      if (underReceipt.payoutUnits > 0) wins++;
      console.log(
        `draw ${receipt.drawSeq}: roll ${String(underReceipt.result['roll'])}, answered with ${payout} coins (${underReceipt.payoutUnits} units) under the receipt's 1% edge; ` +
          `the 2% rules served now would pay ${underNew.coins} coins (${underNew.payoutUnits} units); maxPayout ${receipt.maxPayout}`,
      );
    }
    expect(wins, `${BETS} bets at 90% and no win (odds 1 in a million)`).toBeGreaterThan(0);
    // The chips settled as the draws' outcomes under their own terms: the stakes taken again, the payouts credited.
    expect(await chipsOf()).toBe(chipsBefore + owedUnits);
    expect(server.logs.join('')).not.toMatch(/cannot be answered/);
  });
});
