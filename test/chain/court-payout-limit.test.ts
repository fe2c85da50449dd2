/**
 * The most coins a receipt may promise follows the court's free bond on a real node: read at start,
 * lowered by an announced withdrawal, raised by coins sent to the court, kept (and logged once)
 * while the node cannot be read, and capped at MAX_SAFE_INTEGER.
 */
import { hexlify, randomBytes, type Contract, type JsonRpcSigner } from 'ethers';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCourtPayoutLimit } from '../../server/chain/court-payout-limit.ts';
import { mined, startFairnessChain, type FairnessChain } from '../helpers/fairness-contracts.ts';

const COIN = 1n;
const DAY = 86_400;

let chain: FairnessChain;
let admin: JsonRpcSigner;
let assets: Contract;
let court: Contract;

/** A logger whose lines the test reads. */
function capturedLog(): { log: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

beforeAll(async () => {
  chain = await startFairnessChain();
  admin = chain.signers[0]!;
  const adminAddress = await admin.getAddress();
  assets = await chain.deploy('GameAssets', admin, 'https://fairplay.example/assets/{id}.json', adminAddress, DAY);
  await mined(assets.getFunction('configureToken')(COIN, 10n ** 30n, 10n ** 30n));
  await mined(assets.getFunction('grantRole')(await assets.getFunction('MINTER_ROLE')(), adminAddress));
  const registry = await chain.deploy('FairnessRegistry', admin, adminAddress, DAY);
  court = await chain.deploy('RevealCourt', admin, await registry.getAddress(), await assets.getAddress(), COIN, 600, DAY, adminAddress);
});
afterAll(async () => {
  await chain?.close();
});

const mintTo = async (to: string, amount: bigint) => mined(assets.getFunction('mintAwards')([to], [COIN], [amount], [hexlify(randomBytes(32))]));

describe("the court payout limit: the court's free bond", () => {
  it('follows the free bond, keeps the last figure while reads fail (logged once per run of failures), and stops', async () => {
    await mintTo(String(court.target), 500n);
    const limit = { coins: Number.MAX_SAFE_INTEGER };
    const { log, lines } = capturedLog();
    let broken = false;
    const readFreeBond = async (): Promise<bigint> => {
      if (broken) throw new Error('node unreachable');
      return (await court.getFunction('freeBond')()) as bigint;
    };
    const watch = await watchCourtPayoutLimit({ readFreeBond, limit, log });
    try {
      expect(limit.coins).toBe(500);
      await mined(court.getFunction('announceWithdrawal')(120n));
      await watch.refresh();
      expect(limit.coins).toBe(380);
      await mintTo(String(court.target), 20n); // anyone's coins sent to the court add to it
      await watch.refresh();
      expect(limit.coins).toBe(400);
      broken = true;
      await watch.refresh();
      await watch.refresh();
      expect(limit.coins).toBe(400);
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(["reading the reveal court's free bond failed: bets keep the last figure read until it works again"]);
      broken = false;
      await watch.refresh();
      expect(lines.at(-1)?.msg).toBe("the reveal court's free bond is read again");
    } finally {
      watch.stop();
    }
  });

  it('promises nothing when the first read fails, and caps a bond beyond MAX_SAFE_INTEGER', async () => {
    const limit = { coins: Number.MAX_SAFE_INTEGER };
    const failing = await watchCourtPayoutLimit({ readFreeBond: () => Promise.reject(new Error('no node')), limit, log: capturedLog().log });
    failing.stop();
    expect(limit.coins).toBe(0);
    const huge = await watchCourtPayoutLimit({ readFreeBond: () => Promise.resolve(2n ** 80n), limit, log: capturedLog().log });
    huge.stop();
    expect(limit.coins).toBe(Number.MAX_SAFE_INTEGER);
  });
});
