/**
 * The page's check before it reveals a seed (client/src/court-bond.ts `revealRefusal`, FAIRNESS.md
 * section 10), against real courts on anvil: it reveals only when the court's free bond covers the
 * receipt's maxPayout and the court's withdrawal delay is at least the receipt's time to go to the
 * court; otherwise it says why, so the seed stays secret.
 */
import { Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revealRefusal } from '../../client/src/court-bond.ts';
import type { Fairness } from '../../client/src/api.ts';
import type { ReceiptRecord } from '../../vrf/protocol/records.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';

const COIN = 1n;
const DAY = 86_400;
let chain: FairnessChain;
let admin: JsonRpcSigner;
let assets: Contract;
let registry: Contract;

beforeAll(async () => {
  chain = await startFairnessChain();
  admin = chain.signers[0]!;
  const adminAddress = await admin.getAddress();
  assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, 3600);
  await mined(assets.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  registry = await chain.deploy('FairnessRegistry', admin, adminAddress, 3600);
});
afterAll(async () => {
  await chain?.close();
});

/** A court with `bond` coins and the given withdrawal delay, as the page's /fairness would name it. */
async function court(bond: bigint, withdrawDelay: number): Promise<Fairness> {
  const c = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), COIN, 21_600, withdrawDelay, await admin.getAddress());
  const address = await c.getAddress();
  await mined(assets.getFunction('mintAwards')([address], [COIN], [bond], ['0x' + address.slice(2).padStart(64, '0')]));
  const chainId = String((await chain.provider.getNetwork()).chainId);
  return { chain: { chainId, gameAssets: await assets.getAddress(), rpcUrl: chain.node.url, court: { address } } } as unknown as Fairness;
}

const receipt = (maxPayout: number, windowSeconds = DAY): ReceiptRecord =>
  ({ players: ['0x' + '11'.repeat(20)], maxPayout, issuedAt: 1_800_000_000_000, revealDeadline: 1_800_000_000_000 + windowSeconds * 1000 }) as unknown as ReceiptRecord;

describe('the page reveals a seed only to a receipt the court can pay', () => {
  it('reveals when the free bond covers maxPayout and the withdrawal delay covers the reveal window', async () => {
    expect(await revealRefusal(await court(100n, 7 * DAY), receipt(100))).toBeUndefined();
  });

  it('refuses when the free bond is less than maxPayout, naming both', async () => {
    expect(await revealRefusal(await court(99n, 7 * DAY), receipt(100))).toMatch(/only 99 coins of bond free, less than the 100 coins/);
  });

  it("refuses when a withdrawal could be made before the receipt's reveal deadline", async () => {
    const keys = await court(1000n, DAY - 1);
    expect(await revealRefusal(keys, receipt(100))).toMatch(/withdrawn 86399 s after an announcement, less than the 86400 s/);
    expect(await revealRefusal(keys, receipt(100, DAY - 1))).toBeUndefined();
  });

  it('does not check a draw the court pays nothing for', async () => {
    expect(await revealRefusal(await court(0n, 60), receipt(0))).toBeUndefined();
  });
});
