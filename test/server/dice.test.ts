import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { PUBLISHED_RULES } from '../../games/registry.ts';
import { rulesHash } from '../../games/rules-document.ts';
import { getSuite } from '../../vrf/index.ts';
import { seedCommitment } from '../../vrf/protocol/commitment.ts';
import { hexToBytes } from '../../vrf/protocol/encoding.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { payoutOnWin } from '../../games/dice/rules.ts';
import { outcomeProblems, receiptProblems, verifyTranscript, type Transcript } from '../../vrf/protocol/transcript.ts';
import { serverBackend, serverPlace } from '../helpers/server-database.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { getJson, TestPlayer, type FairnessParams } from '../helpers/player.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { inDatabase } from '../helpers/rooms-db.ts';

let server: ServerProcess;
let fairness: FairnessParams;

beforeAll(async () => {
  server = await startServerProcess();
  fairness = await getJson<FairnessParams>(`${server.url}/fairness`);
});
afterAll(async () => {
  await server?.stop();
});

describe('a dice session of several players over real WebSockets', () => {
  it('every outcome verifies against /fairness, the chain is intact, balances add up', async () => {
    const first = await TestPlayer.join(server.url);
    const others = await Promise.all([1, 2].map(() => TestPlayer.join(server.url, { roomId: first.room.roomId })));
    const players = [first, ...others];
    const spent = new Map<string, number>();
    // Stakes in units: 10, 25 and 5.5 chips.
    const bets = [
      { stake: 10 * UNITS_PER_CHIP, target: 5000, direction: 'under' as const },
      { stake: 25 * UNITS_PER_CHIP, target: 2000, direction: 'over' as const },
      { stake: 5_500_000, target: 9700, direction: 'under' as const },
    ];
    const suite = getSuite(fairness.suite);
    await Promise.all(
      players.map(async (p) => {
        for (const bet of bets) {
          const { receipt, seed } = await p.bet(bet);
          // Before revealing: the receipt is signed, for my bet at the published edge, with my commitment.
          const intended = { roomId: first.room.roomId, game: 'dice', kind: 'roll', action: bet, address: p.address, commitment: seedCommitment(seed), rulesHash: p.rulesHash };
          expect(receiptProblems(receipt, intended, fairness)).toEqual([]);
          expect(receiptProblems(receipt, { ...intended, rulesHash: '0'.repeat(64) }, fairness)).toEqual(['receipt names other rules than the ones I signed for']);
          const outcome = await p.reveal(receipt.drawSeq, seed);
          // The player's own checks: proof under the pinned key, alpha rebuilt, result recomputed.
          expect(suite.verify(hexToBytes(fairness.publicKey), hexToBytes(outcome.alpha), hexToBytes(outcome.pi)).valid).toBe(true);
          expect(outcomeProblems(receipt, outcome.record, fairness)).toEqual([]);
          const { win, payout } = outcome.record.result;
          expect(receipt.rulesHash).toBe(rulesHash(PUBLISHED_RULES['dice']!)); // the published rules (edge 100 bps), in the signed receipt
          expect(payout).toBe(win ? payoutOnWin({ ...bet, edgeBps: 100 }) : 0);
          spent.set(p.address, (spent.get(p.address) ?? 0) + bet.stake - payout);
        }
      }),
    );
    const transcript = await getJson<Transcript>(`${server.url}/rooms/${first.room.roomId}/transcript`);
    const report = verifyTranscript(transcript, fairness);
    expect(report.records.filter((r) => r.problems.length)).toEqual([]);
    expect(report).toMatchObject({ ok: true, pendingDraws: [] });
    expect(transcript.records).toHaveLength(players.length * bets.length * 2);
    for (const p of players) {
      const balance = 1000 * UNITS_PER_CHIP - spent.get(p.address)!;
      await waitFor(() => p.room.state.players.get(p.address)?.balance === balance, { what: `${p.address}'s balance ${balance} in the room state` });
      const chips = await getJson<{ balance: number }>(`${server.url}/players/${p.address}/chips`);
      expect(chips.balance).toBe(balance);
    }
    // Wins and losses move chips only: no award, no coin on chain, whatever the session won.
    type AwardsAnswer = { awards: unknown[]; balances: Record<string, string> };
    const won = transcript.records.filter((r) => r.type === 'outcome' && Number(r.result['payout']) > 0).length;
    console.log(`${won} of ${transcript.records.length / 2} bets won: 0 awards expected`);
    for (const p of players) {
      const { awards, balances } = await getJson<AwardsAnswer>(`${server.url}/players/${p.address}/awards`);
      expect(awards).toEqual([]);
      expect(balances['1'] ?? '0').toBe('0');
    }
    await Promise.all(players.map((p) => p.room.leave()));
  });
});

describe('a bet in units', () => {
  it('a 1-chip bet at 50% that wins pays exactly 1.98 chips (1,980,000 units) into the balance, and mints nothing', async () => {
    const p = await TestPlayer.join(server.url, { create: true });
    const bet = { stake: UNITS_PER_CHIP, target: 5000, direction: 'under' as const };
    // Each bet wins half the time: bet until one wins (64 losses in a row: 2^-64).
    let balance = 1000 * UNITS_PER_CHIP;
    for (let i = 0; i < 64; i++) {
      const { receipt, seed } = await p.bet(bet);
      const { record } = await p.reveal(receipt.drawSeq, seed);
      const chips = async () => (await getJson<{ balance: number }>(`${server.url}/players/${p.address}/chips`)).balance;
      if (!record.result.win) {
        balance -= UNITS_PER_CHIP;
        expect(record.result.payout).toBe(0);
        expect(await chips()).toBe(balance);
        continue;
      }
      expect(record.result.payout).toBe(1_980_000);
      expect(await chips()).toBe(balance - UNITS_PER_CHIP + 1_980_000);
      await waitFor(() => p.room.state.players.get(p.address)?.balance === balance + 980_000, { what: 'the room state to show the 1.98-chip payout' });
      const { awards } = await getJson<{ awards: unknown[] }>(`${server.url}/players/${p.address}/awards`);
      expect(awards).toEqual([]);
      await p.room.leave();
      return;
    }
    throw new Error('64 losses in a row at 50%');
  });
});

describe('operating', () => {
  it('GET /metrics counts the session\'s draws, proofs and mints; GET /health reports storage and chain', async () => {
    const place = await serverPlace(server.dataDir);
    const rooms = await inDatabase(place, (db) => db.selectFrom('rooms').select('room_id').execute());
    expect(rooms.length).toBeGreaterThan(0);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (line: RegExp) => Number(text.match(line)?.[1] ?? Number.NaN);
    const outcomes = value(/^fairplay_draw_records_total\{game="dice",type="outcome"\} (\d+)$/m);
    expect(outcomes).toBeGreaterThanOrEqual(9); // three players, three bets each
    expect(value(/^fairplay_draw_records_total\{game="dice",type="receipt"\} (\d+)$/m)).toBe(outcomes);
    expect(value(/^fairplay_prove_seconds_count (\d+)$/m)).toBe(outcomes);
    expect(value(/^fairplay_outbox_pending (\d+)$/m)).toBe(0);
    // Every award there is has been minted (wins award nothing: the session's dice bets left none).
    const awards = (await inDatabase(place, (db) => db.selectFrom('awards').select('award_id').execute())).length;
    expect(value(/^fairplay_awards_minted_total (\d+)$/m)).toBe(awards);
    expect(text).toMatch(/^fairplay_rooms \d+$/m);
    expect(text).toMatch(/^fairplay_clients \d+$/m);
    expect(text).toMatch(/^fairplay_mint_failures_total 0$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m);
    const health = await getJson<{ ok: boolean; storage: { ok: boolean }; chain: { ok: boolean; blockNumber: number } }>(`${server.url}/health`);
    expect(health).toMatchObject({ ok: true, storage: { ok: true }, chain: { ok: true }, database: { ok: true, dialect: serverBackend().toLowerCase() } });
    expect(health.chain.blockNumber).toBeGreaterThan(0);
  });
});

describe('token metadata', () => {
  it("is served where the contract's uri points, for every token id players can win, and 404 otherwise", async () => {
    const { chain } = await getJson<{ chain: { rpcUrl: string; gameAssets: string } }>(`${server.url}/fairness`);
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    const uri = (await new Contract(chain.gameAssets, readArtifact().abi as never, provider).getFunction('uri')(1)) as string;
    provider.destroy();
    expect(uri).toBe(`${server.url}/assets/{id}.json`);
    const coin = await getJson<{ name: string; decimals: number }>(uri.replace('{id}', (1).toString(16).padStart(64, '0')));
    expect(coin).toMatchObject({ name: 'Fairplay coin', decimals: 0 });
    expect((await fetch(uri.replace('{id}', (99).toString(16).padStart(64, '0')))).status).toBe(404);
    expect((await fetch(`${server.url}/assets/1.json`)).status).toBe(404);
  });
});

describe('secrets', () => {
  it('after the session: key files are 0600, their secrets in no log line and no HTTP answer', async () => {
    const dir = join(server.dataDir, 'keys');
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['bonus-ip.key', 'fairness.key', 'minter.key', 'operator.key', `vrf-${fairness.suite}.key`]);
    const answers = [JSON.stringify(fairness), await (await fetch(`${server.url}/`)).text()].join('');
    for (const f of files) {
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      const secret = readFileSync(join(dir, f), 'utf8').trim().replace(/^0x/, '');
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(server.logs.join('').toLowerCase()).not.toContain(secret);
      expect(answers.toLowerCase()).not.toContain(secret);
    }
  });
});
