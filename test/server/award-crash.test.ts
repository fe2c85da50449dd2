/**
 * Exactly once under crashes: the real server, players betting and cashing out a coin after every
 * bet as fast as it answers (wins move chips only: a cash-out is the award), and the server
 * SIGKILLed at random moments while it mints, once together with its chain node (which
 * then restarts from a state up to a second old and has lost the latest mints). At the end every
 * award in the outbox has exactly one AwardMinted event on chain, each player's balance is the
 * sum of their awards, and nothing is pending.
 *
 * The moments are counted in awards, not milliseconds: each round is killed once the outbox has
 * grown by a random number of awards (seeded: TEST_SEED replays the choice), so a slow machine
 * runs the same scenario, only slower.
 */
import { bondAwardId } from '../../server/chain/fairness-deployment.ts';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { readArtifact } from '../../server/chain/artifact.ts';
import { Gambler } from '../helpers/gambler.ts';
import { cashOut, CASH_OUT_TEST_ENV, earnWithdrawable, gamblerBettor } from '../helpers/earn-coins.ts';
import { getJson } from '../helpers/player.ts';
import { seededRandom } from '../helpers/seed.ts';
import { inDatabase } from '../helpers/rooms-db.ts';
import { serverPlace } from '../helpers/server-database.ts';
import { freePort, killEmbeddedNode, startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { UNITS_PER_CHIP } from '../../games/chips.ts';

// Small batches: many transactions, so the kills land between and inside them.
const ENV = { MAX_MESSAGES_PER_SECOND: '10000', MINT_BATCH_SIZE: '10', ...CASH_OUT_TEST_ENV };
/** Winnings over the bonus each player makes first (a bet or two at 50%), so that every later bet can be followed by a 1-coin cash-out. */
const CUSHION_COINS = 10_000;
const ROUNDS = 5;
const NODE_KILL_ROUND = 2;
/** Awards written in a round before its kill: at least a few batches, so kills land between and inside transactions. */
const AWARDS_PER_ROUND = { min: 20, max: 80 };

interface OutboxAward {
  awardId: string;
  player: string;
  tokenId: number;
  amount: number;
}

/** Bets of 100 chips at 98%, each followed by a 1-coin cash-out (an award), until the kill cuts the round; then what stopped it. */
async function playUntilCut(url: string, p: Gambler): Promise<string> {
  const bettor = gamblerBettor(p);
  try {
    await earnWithdrawable(url, bettor, CUSHION_COINS);
    for (;;) {
      await bettor.play({ stake: 100 * UNITS_PER_CHIP, target: 9800, direction: 'under' });
      await cashOut(url, p.wallet, 1); // a fresh sign-in each time: a sign-in token is good for one request
    }
  } catch (e) {
    // The server was killed; a refusal or a 409 instead ends the round early ("every player stopped before the kill").
    return (e as Error).message;
  }
}

/** Awards in the outbox so far (committed: durable), read from the server's database. */
async function outboxCount(dataDir: string): Promise<number> {
  const row = await inDatabase(await serverPlace(dataDir), (db) => db.selectFrom('awards').select((eb) => eb.fn.countAll().as('count')).executeTakeFirst());
  return Number(row?.count ?? 0);
}

async function awardsOf(server: ServerProcess, address: string) {
  return getJson<{ awards: (OutboxAward & { status: string; txHash?: string })[]; balances: Record<string, string> }>(`${server.url}/players/${address}/awards`);
}

describe('awards under crashes', () => {
  it('SIGKILLs while minting, once with the node: every award minted exactly once, balances add up, nothing pending', { timeout: timeoutWithStarts(ROUNDS + 1, ROUNDS * 90_000 + 90_000) }, async () => {
    const random = seededRandom('award crash kill points');
    const dataDir = tempDataDir();
    const port = await freePort();
    const wallets = [0, 1, 2, 3].map(() => Wallet.createRandom() as unknown as Wallet);
    const kills: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServerProcess({ dataDir, port, env: ENV });
      const players = await Promise.all(wallets.map((w) => Gambler.enter(server.url, w)));
      const play = Promise.all(players.map((p) => playUntilCut(server.url, p)));
      const target = (await outboxCount(dataDir)) + random.int(AWARDS_PER_ROUND.min, AWARDS_PER_ROUND.max);
      kills.push(target);
      const failedEarly = play.then((why) => Promise.reject(new Error(`round ${round}: every player stopped before the kill: ${why.join('; ')}`)));
      await Promise.race([waitFor(async () => (await outboxCount(dataDir)) >= target, { what: `round ${round}: ${target} awards in the outbox`, timeout: 90_000, interval: 20 }), failedEarly]);
      if (round === NODE_KILL_ROUND) killEmbeddedNode(dataDir);
      await server.stop('SIGKILL');
      await play;
    }

    const server = await startServerProcess({ dataDir, port, env: ENV });
    try {
      const place = await serverPlace(dataDir);
      const outbox = (await inDatabase(place, (db) => db.selectFrom('awards').select(['award_id', 'player', 'token_id', 'amount']).orderBy('n').execute())).map(
        (r): OutboxAward => ({ awardId: r.award_id, player: r.player, tokenId: Number(r.token_id), amount: Number(r.amount) }),
      );
      // Every award on file before a kill is still there (the outbox is durable before it is counted).
      expect(outbox.length, `kills at ${kills.join(', ')} awards`).toBeGreaterThanOrEqual(kills.at(-1)!);
      // Nothing pending: every award says minted, with its transaction.
      const answers = await waitFor(
        async () => {
          const all = await Promise.all(wallets.map((w) => awardsOf(server, w.address)));
          return all.every((a) => a.awards.every((x) => x.status === 'minted')) && all;
        },
        { what: `all ${outbox.length} awards minted after the last restart`, timeout: 90_000, interval: 200 },
      );
      expect(answers.flatMap((a) => a.awards).filter((x) => x.status !== 'minted')).toEqual([]);
      expect(answers.reduce((n, a) => n + a.awards.length, 0)).toBe(outbox.length);

      // The chain itself: one AwardMinted per outbox award, none other, balances = sums.
      const { chain } = await getJson<{ chain: { rpcUrl: string; gameAssets: string; court: { address: string } } }>(`${server.url}/fairness`);
      // The court's bond is an award too, minted when the court was deployed, not won in a room.
      const bond = bondAwardId(chain.court.address).slice(2);
      const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
      try {
        const assets = new Contract(chain.gameAssets, readArtifact().abi as never, provider);
        const event = assets.interface.getEvent('AwardMinted')!;
        const logs = await provider.getLogs({ address: chain.gameAssets, topics: [event.topicHash], fromBlock: 0 });
        const mints = new Map<string, number>();
        for (const l of logs) if (l.topics[1]!.slice(2) !== bond) mints.set(l.topics[1]!.slice(2), (mints.get(l.topics[1]!.slice(2)) ?? 0) + 1);
        expect(mints.size).toBe(outbox.length);
        expect(outbox.filter((a) => mints.get(a.awardId) !== 1).map((a) => a.awardId)).toEqual([]);
        for (const [i, w] of wallets.entries()) {
          const sum = outbox.filter((a) => a.player === w.address).reduce((s, a) => s + BigInt(a.amount), 0n);
          expect(await assets.getFunction('balanceOf')(w.address, 1)).toBe(sum);
          expect(answers[i]!.balances['1']).toBe(String(sum));
        }
        const voided = (await inDatabase(place, (db) => db.selectFrom('mint_txs').select('hash').where('state', '=', 'voided').execute())).length;
        console.log(`award crash test: ${outbox.length} awards, ${new Set(answers.flatMap((a) => a.awards.map((x) => x.txHash))).size} transactions, ${voided} voided, kills at ${kills.join(', ')} awards`);
      } finally {
        provider.destroy();
      }
    } finally {
      await server.stop();
    }
  });
});
