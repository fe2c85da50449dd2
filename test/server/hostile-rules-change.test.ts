/**
 * Hostile: a player withholds the seeds of their bets (the room voids each draw when they leave,
 * refunding its stake), waits for the operator to change the rules (a restart with another
 * HOUSE_EDGE_BPS), then takes every old receipt to the reveal court. Had the server lost the old
 * rules' terms, it could not answer, and the player would claim each receipt's whole maxPayout.
 * The server keeps every rules document it served, by hash, so it answers each case under the
 * receipt's own terms: 0 coins, the payout the outcome owes in chips, and the refunded stake taken again, so the
 * player gains nothing over an honest bet. An honest player bets throughout, before and after
 * the restart.
 */
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { rulesHash, type RulesDocument } from '../../games/rules-document.ts';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { courtSettlement } from '../../vrf/protocol/court-payout.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { caseStatus, coinBalanceAbi, courtAbi, courtAt, fund, revealToCourt } from '../helpers/court.ts';
import { randomWallet } from '../helpers/gambler.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { getJson, TestPlayer } from '../helpers/player.ts';
import { startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** 50 chips at 50%: a win pays 99 chips under the 1% edge, 98 under 2%, in chips; maxPayout 99 coins (what a claim would pay). */
const BET = { stake: 50 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
const WITHHELD = 4;
const COIN = 1;

type Fairness = { rules: Record<string, RulesDocument>; chain: { gameAssets: string; court: { address: string } } };

const dataDir = tempDataDir();
let server: ServerProcess | undefined;
let provider: IpcJsonRpcProvider | undefined;
afterAll(async () => {
  provider?.destroy();
  await server?.stop();
});

describe('seeds withheld, then the receipts taken to the court after a rules change', () => {
  it('are answered under the receipts\' terms: no claim, the voids\' refunds taken back', { timeout: timeoutWithStarts(2, 300_000) }, async () => {
    server = await startServerProcess({ dataDir });
    let honest = await HonestBettor.start(server.url);
    const earlier = (await getJson<Fairness>(`${server.url}/fairness`)).rules['dice']!;
    const wallet = randomWallet();
    const chipsOf = async (): Promise<number> => (await getJson<{ balance: number }>(`${server!.url}/players/${wallet.address}/chips`)).balance;
    const hostile = await TestPlayer.join(server.url, { wallet, create: true });
    const startChips = await chipsOf();
    const withheld: { receipt: ReceiptRecord; seed: string }[] = [];
    for (let i = 0; i < WITHHELD; i++) {
      const { receipt, seed } = await hostile.bet(BET);
      withheld.push({ receipt: receipt as ReceiptRecord, seed });
    }
    // Leaving with every seed withheld: the room voids the draws and refunds the stakes.
    await hostile.room.leave();
    await waitFor(async () => (await chipsOf()) === startChips, { what: 'the withheld draws to be voided and their stakes refunded' });
    const before = await honest.stop();
    console.log(describeHonest('before the rules change', before));
    expect(before.errors).toEqual([]);
    expect(before.bets).toBeGreaterThan(0);

    await server.stop();
    server = await startServerProcess({ dataDir, env: { HOUSE_EDGE_BPS: '200' } });
    honest = await HonestBettor.start(server.url);
    const now = await getJson<Fairness>(`${server.url}/fairness`);
    expect(rulesHash(now.rules['dice']!)).not.toBe(rulesHash(earlier));

    provider = new IpcJsonRpcProvider(join(dataDir, 'chain', 'anvil.ipc'));
    const courtAddress = now.chain.court.address;
    const court = courtAt(courtAddress, provider);
    const assets = new Contract(now.chain.gameAssets, coinBalanceAbi, provider);
    const coinsOf = async (): Promise<bigint> => (await assets.getFunction('balanceOf')(wallet.address, COIN)) as bigint;
    const playerWallet = wallet.connect(provider) as Wallet;
    await fund(provider, playerWallet.address);
    const coinsBefore = await coinsOf();
    let owedCoins = 0n;
    let owedUnits = 0;
    let maxPayouts = 0n;
    for (const { receipt, seed } of withheld) {
      const revealed = await revealToCourt(courtAddress, playerWallet, receipt, seed);
      await waitFor(async () => (await caseStatus(court, revealed.caseId)) === 2, { what: `the case of withheld draw ${receipt.drawSeq} to be answered`, timeout: 60_000, interval: 250 });
      const [answered] = await provider.getLogs({ address: courtAddress, topics: [courtAbi.getEvent('Answered')!.topicHash, '0x' + revealed.caseId], fromBlock: 0 });
      const event = courtAbi.parseLog(answered!)!;
      const beta = hexToBytes((event.args.getValue('beta') as string).slice(2));
      const settled = courtSettlement(receipt, beta, earlier.terms);
      expect(event.args.getValue('payout')).toBe(BigInt(settled.coins));
      owedCoins += BigInt(settled.coins);
      owedUnits += settled.payoutUnits - BET.stake;
      maxPayouts += BigInt(receipt.maxPayout ?? 0);
      console.log(`withheld draw ${receipt.drawSeq}: roll ${String(settled.result['roll'])}, answered with ${settled.coins} coins under the receipt's rules (a claim would have paid ${receipt.maxPayout})`);
    }
    const after = await honest.stop();
    console.log(describeHonest('after the rules change', after));
    // Each case answered (status 2): none can be claimed. The coins and chips are what honest bets would have left.
    expect(owedCoins).toBe(0n);
    expect((await coinsOf()) - coinsBefore).toBe(owedCoins);
    expect(await chipsOf()).toBe(startChips + owedUnits);
    console.log(`the withholding player got ${owedCoins} coins and ${owedUnits / UNITS_PER_CHIP} chips net, where claims would have paid ${maxPayouts} coins`);
    expect(server.logs.join('')).not.toMatch(/cannot be answered/);
    expect(after.errors).toEqual([]);
    expect(after.bets).toBeGreaterThan(0);
  });
});
