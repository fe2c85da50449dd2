/**
 * The reveal court's bond from the game page: a server whose court holds a bond of 19 coins
 * (COURT_BOND_COINS=19, exactly one 10-chip dice bet's maxPayout) and voids revealed draws
 * without answering (FAIRPLAY_TEST_WITHHOLD=void-revealed). Two players' draws are voided; the
 * first takes theirs to the court, which reserves the whole bond. The second's reveal is refused
 * by the court (BondTooSmall): the page says so and tries again every 30 s, after a reload too;
 * once coins are added to the bond (here minted to the court by the award minter), the next try
 * goes through.
 */
import { join } from 'node:path';
import { Contract, Interface, type EventLog } from 'ethers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcJsonRpcProvider } from '../../server/chain/ipc-rpc.ts';
import { launchChromium, rollDice, screenshot, signedInPage } from '../helpers/browser.ts';
import { getJson } from '../helpers/player.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const COURT = new Interface([
  'function cases(bytes32 caseId) view returns (address player, uint64 maxPayout, uint64 revealedAt, uint64 answerBy, uint8 status)',
  'function freeBond() view returns (uint256)',
  'function reserved() view returns (uint256)',
  'function bond() view returns (uint256)',
]);
const ASSETS = new Interface([
  'function MINTER_ROLE() view returns (bytes32)',
  'function mintAwards(address[] to, uint256[] ids, uint256[] amounts, bytes32[] awardIds)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
]);
type Stored = { receipt: { maxPayout: number }; court?: { caseId: string } }[];

let server: ServerProcess;
let browser: Browser;
let chain: IpcJsonRpcProvider;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess({ env: { NODE_ENV: 'test', FAIRPLAY_TEST_WITHHOLD: 'void-revealed', COURT_BOND_COINS: '19' } }), launchChromium()]);
  chain = new IpcJsonRpcProvider(join(server.dataDir, 'chain', 'anvil.ipc'));
});
afterAll(async () => {
  chain?.destroy();
  await browser?.close();
  await server?.stop();
});

/** A player in a dice room of their own whose first draw was voided after the page revealed its seed. */
async function voidedPlayer() {
  const player = await signedInPage(browser, server.url);
  await player.page.click('#create-dice');
  await player.page.waitForSelector('#dice:not([hidden])');
  expect((await rollDice(player.page, 0)).text).toMatch(/voided/);
  return player;
}

describe("the court's bond from the page", () => {
  it('a reveal the bond cannot cover waits, says so, and goes through once coins are added to the bond', async () => {
    const fairness = await getJson<{ chain: { gameAssets: string; court: { address: string; maxPayoutCoins: number } } }>(`${server.url}/fairness`);
    const court = new Contract(fairness.chain.court.address, COURT, chain);
    expect([await court.getFunction('bond')(), await court.getFunction('freeBond')()]).toEqual([19n, 19n]);
    // Both draws are receipted while the whole bond is free, and voided after their seeds were revealed.
    const [first, second] = [await voidedPlayer(), await voidedPlayer()];

    await first.page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
    await first.page.locator('#court-cases li[data-state="revealed"]').waitFor({ timeout: 60_000 });
    expect(await court.getFunction('reserved')()).toBe(19n);
    await first.page.locator('#court-bond', { hasText: '0 free for new cases, 19 reserved for cases still open' }).waitFor({ timeout: 15_000 });

    // The whole bond is reserved: the court refuses the second reveal for now.
    await second.page.locator('#court-cases li[data-state="open"] button.court-reveal').click();
    const waiting = second.page.locator('#court-cases li[data-state="bond-wait"]');
    await waiting.waitFor({ timeout: 60_000 });
    const text = await waiting.innerText();
    console.log(`the second page, its reveal refused for want of bond: ${text}`);
    expect(text).toContain("The court's bond has only 0 coins free, less than the 19 this draw could pay, so the court refused the reveal for now.");
    expect(text).toMatch(/This page tries again every 30 s \(next at .+\) until the receipt's reveal deadline, .+\./);
    await screenshot(second.page, 'court-bond-wait');
    // A reload keeps the wait: the page tries again at once, is refused again, and goes on waiting.
    await second.page.reload();
    await second.page.locator('#court-cases li[data-state="bond-wait"]').waitFor({ timeout: 60_000 });

    // Coins are added to the bond (anyone may send the court coins; here the award minter mints them to it).
    const assets = new Contract(fairness.chain.gameAssets, ASSETS, chain);
    const minterRole = (await assets.getFunction('MINTER_ROLE')()) as string;
    const [granted] = (await assets.queryFilter(assets.filters.RoleGranted!(minterRole), 0)) as EventLog[];
    const minter = granted!.args.getValue('account') as string;
    await chain.send('anvil_impersonateAccount', [minter]);
    const data = ASSETS.encodeFunctionData('mintAwards', [[await court.getAddress()], [1], [19], ['0x' + 'b0'.repeat(32)]]);
    const hash = (await chain.send('eth_sendTransaction', [{ from: minter, to: fairness.chain.gameAssets, data }])) as string;
    expect((await waitFor(() => chain.getTransactionReceipt(hash), { what: 'the top-up to be mined' })).status).toBe(1);
    expect(await court.getFunction('freeBond')()).toBe(19n);

    // The next try (within 30 s) goes through.
    const started = Date.now();
    await second.page.locator('#court-cases li[data-state="revealed"]').waitFor({ timeout: 60_000 });
    console.log(`the second reveal went through ${Date.now() - started} ms after the top-up (tries every 30 s)`);
    const [draw] = JSON.parse((await second.page.evaluate(() => sessionStorage.getItem('fairplay.court'))) ?? '[]') as Stored;
    const opened = (await court.getFunction('cases')(draw!.court!.caseId)) as [string, bigint, bigint, bigint, bigint];
    expect([opened[0], opened[1], opened[4]]).toEqual([second.address, 19n, 1n]);
    expect(await court.getFunction('reserved')()).toBe(38n);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });
});
