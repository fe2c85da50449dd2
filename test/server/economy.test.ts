/**
 * `GET /economy` and `/health`'s `economy` on a real server and chain: after two players' dice
 * bets, the house profit by game equals what the players' chips say they lost, the coin
 * reconciliation adds up, the Prometheus series carry the same figures, and a browser asking for
 * HTML gets the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { describeHonest, HonestBettor } from '../helpers/honest-bettor.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

interface House { game: string; bets: number; staked: number; houseProfit: number; realisedEdge: number | null; expectedEdge: number | null; band: { low: number; high: number } | null }
interface Economy { house: House[]; supply: { tokenId: number; samples: { at: number; supply: number }[] }[]; capUse: unknown[] | null; topEarners: { byChipsWon: { address: string; chips: number }[] }; bonusRule: { text: string } }
interface Coins { reconciled: boolean | null; why?: string; coinSupply: number; withdrawn: number; deposited: number; houseIssued: number; courtBonds: number; otherAwards: number; inFlight: number; difference: number }

describe('the economy figures', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { ECONOMY_SAMPLE_SECONDS: '1' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const economy = async (): Promise<Economy> => (await (await fetch(`${server.url}/economy`)).json()) as Economy;
  const balance = async (address: string): Promise<number> => ((await (await fetch(`${server.url}/players/${address}/chips`)).json()) as { balance: number }).balance;

  it('shows the house profit by game as the sum of the chip entries, and coins that reconcile', async () => {
    const bettors = await Promise.all([HonestBettor.start(server.url), HonestBettor.start(server.url)]);
    await waitFor(async () => ((await economy()).house.find((h) => h.game === 'dice')?.bets ?? 0) >= 10, { what: '10 dice bets in /economy', timeout: 60_000, interval: 500 });
    const reports = await Promise.all(bettors.map((b) => b.stop()));
    reports.forEach((r, i) => console.log(describeHonest(`player ${i + 1}`, r)));
    for (const r of reports) {
      expect(r.errors).toEqual([]);
      expect(r.bets).toBeGreaterThan(0);
    }
    const bets = reports.reduce((n, r) => n + r.bets, 0);
    // Each player started with the starting chips; what they lack now the house kept.
    const start = 1000 * UNITS_PER_CHIP;
    const lost = (await Promise.all(bettors.map((b) => balance(b.gambler.address)))).reduce((s, units) => s + (start - units), 0) / UNITS_PER_CHIP;
    const dice = await waitFor(
      async () => {
        const h = (await economy()).house.find((g) => g.game === 'dice');
        return h && h.bets === bets ? h : undefined;
      },
      { what: `/economy to count all ${bets} dice bets`, timeout: 30_000, interval: 250 },
    );
    console.log(`dice: ${dice.bets} bets, ${dice.staked} chips staked, house profit ${dice.houseProfit} chips, realised edge ${dice.realisedEdge}, band ${JSON.stringify(dice.band)}, published ${dice.expectedEdge}`);
    expect(dice.houseProfit).toBeCloseTo(lost, 6);
    expect(dice.staked).toBeCloseTo(bets, 6); // 1-chip bets
    expect(dice.expectedEdge).toBe(0.01);
    expect(dice.band!.low).toBeLessThanOrEqual(dice.realisedEdge!);
    expect(dice.band!.high).toBeGreaterThanOrEqual(dice.realisedEdge!);

    const report = await economy();
    expect(report.supply.find((s) => s.tokenId === 1)!.samples.length).toBeGreaterThan(0);
    expect(report.capUse?.length).toBeGreaterThan(0);
    expect(report.topEarners.byChipsWon.map((w) => w.address).sort()).toEqual(bettors.map((b) => b.gambler.address.toLowerCase()).sort());
    expect(report.bonusRule.text).toMatch(/bonus/);

    const coins = await waitFor(
      async () => {
        const c = ((await (await fetch(`${server.url}/health`)).json()) as { economy?: Coins }).economy;
        return c?.reconciled === true ? c : undefined;
      },
      { what: '/health to show the coins reconciled', timeout: 30_000, interval: 250 },
    );
    console.log(`coins: ${JSON.stringify(coins)}`);
    expect(coins.courtBonds).toBeGreaterThan(0);
    expect(coins.houseIssued).toBe(coins.courtBonds + coins.otherAwards);
    expect(coins.coinSupply).toBe(coins.withdrawn - coins.deposited + coins.houseIssued + coins.difference);
    expect(coins.difference).toBeGreaterThanOrEqual(0);
    expect(coins.difference).toBeLessThanOrEqual(coins.inFlight);

    // The same figures in Prometheus, set by the sampler.
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        const m = /^fairplay_economy_bets\{game="dice"\} (\d+)$/m.exec(text);
        return m && Number(m[1]) === bets ? text : undefined;
      },
      { what: 'the economy series to count every dice bet', timeout: 30_000, interval: 250 },
    );
    const profit = Number(/^fairplay_economy_house_profit_chips\{game="dice"\} (\S+)$/m.exec(metrics)?.[1]);
    expect(profit).toBeCloseTo(lost, 6);
    expect(metrics).toMatch(/^fairplay_economy_coins_reconciled 1$/m);
    expect(metrics).toMatch(/^fairplay_economy_token_supply\{token="1"\} \d+$/m);
  }, 180_000);

  it('serves the page to a browser and the figures to everyone else', async () => {
    const page = await fetch(`${server.url}/economy`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('The economy');
    const json = await fetch(`${server.url}/economy`, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
  });
});
