/**
 * Exactly once for the economy under crashes: the real server and its embedded chain, players
 * mixing dice bets, cash-outs and deposits, and the server SIGKILLed at seeded moments, once
 * together with its chain node (which restarts from a state file up to a second old and has lost
 * the latest blocks: mints, and deposits' burns). The node kill lands right after a deposit is
 * credited: a credit from a block the node then loses would leave the chips credited and the coins
 * back in the player's wallet, a double spend this test catches.
 *
 * At the end, per player: the chip ledger is consistent (the balance row is the sum of the
 * entries); every withdrawal has exactly one AwardMinted event and nothing is pending; every
 * Deposited event on the final chain is credited exactly once (chip entry
 * `deposit/<chainId>:<txHash>:<logIndex>`) and no credit is for a deposit the chain does not have;
 * the coins held = coins given by the test or awarded by rooms + withdrawals minted - deposits;
 * and chips + coins x 1e6 = bonus + net play + coins given x 1e6.
 *
 * The moments are counted in events, not milliseconds (actions answered, deposits credited),
 * chosen from TEST_SEED, so a slow machine runs the same scenario, only slower.
 */
import { Contract, Wallet, type Log } from 'ethers';
import { describe, expect, it } from 'vitest';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { WITHDRAWAL_ROOM } from '../../server/awards/award-sink.ts';
import { readArtifact } from '../../server/chain/artifact.ts';
import { awardsOf, cashOut, chipsOf } from '../helpers/cash-out.ts';
import { COIN, deposit, embeddedAdmin, mintCoins, type EmbeddedAdmin } from '../helpers/coins.ts';
import { coinsHeld, playerLedger, readServerDatabase } from '../helpers/economy-ledger.ts';
import { Gambler, randomWallet } from '../helpers/gambler.ts';
import { getJson } from '../helpers/player.ts';
import { seededRandom, type SeededRandom } from '../helpers/seed.ts';
import { freePort, killEmbeddedNode, startServerProcess, tempDataDir, timeoutWithStarts, type ServerProcess } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ENV = { MAX_MESSAGES_PER_SECOND: '10000', MIN_CASHOUT_COINS: '10' };
const PLAYERS = 3;
const ROUNDS = 5;
const NODE_KILL_ROUND = 2;
/** Coins the test mints to each player before the first round. */
const GIVEN = 300;
/** Actions answered in a round before its kill. */
const ACTIONS_PER_ROUND = { min: 10, max: 40 };

interface Round {
  actions: number;
  killed: boolean;
  /** Rejects at the kill: an action under way then (a transaction's receipt, an answer) is not awaited. */
  readonly gone: Promise<never>;
  kill(): void;
}

function newRound(): Round {
  let kill!: () => void;
  const gone = new Promise<never>((_, reject) => (kill = () => reject(new Error('killed'))));
  gone.catch(() => undefined);
  const round: Round = { actions: 0, killed: false, gone, kill: () => ((round.killed = true), kill()) };
  return round;
}

/** One player's actions until the round is killed: a bet, a cash-out of what may leave, or a deposit of coins held. */
async function act(url: string, gameAssets: string, wallet: Wallet, random: SeededRandom, round: Round): Promise<void> {
  const gambler = await Promise.race([Gambler.enter(url, wallet), round.gone]).catch(() => undefined);
  if (!gambler) return;
  while (!round.killed) {
    try {
      await Promise.race([step(url, gameAssets, wallet, random, gambler), round.gone]);
      round.actions++;
    } catch {
      return; // the server or the node is gone
    }
  }
}

async function step(url: string, gameAssets: string, wallet: Wallet, random: SeededRandom, gambler: Gambler): Promise<void> {
  {
    {
      const pick = random.next();
      if (pick < 0.35) {
        const placed = await gambler.bet({ stake: 2_500_000 + random.int(0, 999_999), target: 5000, direction: 'under' });
        if ('refused' in placed) throw new Error(`bet refused: ${placed.refused}`);
        gambler.reveal(placed.receipt.drawSeq, placed.seed);
        await gambler.outcome(placed.receipt.drawSeq);
      } else if (pick < 0.65) {
        const { withdrawableCoins } = await chipsOf(url, wallet.address);
        if (withdrawableCoins >= 10) {
          const coins = random.int(10, Math.min(withdrawableCoins, 25));
          const answer = await cashOut(url, wallet, { coins, requestId: `crash-${random.int(0, 2 ** 31)}` });
          if (answer.status !== 200 && answer.status !== 409) throw new Error(`cash-out answered ${answer.status}`);
        }
      } else {
        const held = Number((await new Contract(gameAssets, readArtifact().abi as never, wallet).getFunction('balanceOf')(wallet.address, COIN)) as bigint);
        if (held > 0) await deposit(gameAssets, wallet, COIN, random.int(1, Math.min(held, 15)));
      }
    }
  }
}

const depositCredits = async (dataDir: string): Promise<number> =>
  Number((await readServerDatabase(dataDir, (db) => db.selectFrom('chip_entries').select((eb) => eb.fn.countAll().as('n')).where('reason', '=', 'deposit').executeTakeFirst()))?.n ?? 0);

describe('the economy under crashes', () => {
  it(
    'SIGKILLs amid bets, cash-outs and deposits, once with the node: each applied once, chips plus coins exact for every player',
    { timeout: timeoutWithStarts(ROUNDS + 1, ROUNDS * 120_000 + 120_000) },
    async () => {
      const random = seededRandom('economy crash');
      const dataDir = tempDataDir();
      const port = await freePort();
      const wallets = Array.from({ length: PLAYERS }, () => randomWallet());
      const kills: string[] = [];
      let admin: EmbeddedAdmin | undefined;
      let gameAssets = '';
      for (let r = 0; r < ROUNDS; r++) {
        const server = await startServerProcess({ dataDir, port, env: ENV });
        gameAssets = (await getJson<{ chain: { gameAssets: string } }>(`${server.url}/fairness`)).chain.gameAssets;
        admin = embeddedAdmin(dataDir, gameAssets);
        if (r === 0) {
          for (const w of wallets) {
            await admin.provider.send('anvil_setBalance', [w.address, '0x8ac7230489e80000']); // 10 ether for the deposits' gas
            await mintCoins(admin.assets, w.address, GIVEN); // before any play: the server's minter sends nothing yet
          }
        }
        console.log(`round ${r}: server up`);
        const round = newRound();
        const players = wallets.map((w, i) => act(server.url, gameAssets, w.connect(admin!.provider), random.fork(`round ${r} player ${i}`), round));
        const stopped = Promise.all(players).then(() => Promise.reject(new Error(`round ${r}: every player stopped before the kill`)));
        if (r === NODE_KILL_ROUND) {
          // Right after a deposit is credited: the block of its burn may not be in the node's state file yet.
          const target = (await depositCredits(dataDir)) + random.int(1, 3);
          await Promise.race([waitFor(async () => (await depositCredits(dataDir)) >= target, { what: `round ${r}: ${target} deposits credited`, timeout: 120_000, interval: 10 }), stopped]);
          killEmbeddedNode(dataDir);
          kills.push(`node+server at deposit credit ${target}`);
        } else {
          const target = random.int(ACTIONS_PER_ROUND.min, ACTIONS_PER_ROUND.max);
          await Promise.race([waitFor(() => round.actions >= target, { what: `round ${r}: ${target} actions`, timeout: 120_000, interval: 10 }), stopped]);
          kills.push(`server at action ${target}`);
        }
        round.kill();
        await server.stop('SIGKILL');
        console.log(`round ${r}: killed (${kills.at(-1)}), ${round.actions} actions`);
        admin.close();
        await Promise.all(players);
      }

      const server = await startServerProcess({ dataDir, port, env: ENV });
      admin = embeddedAdmin(dataDir, gameAssets);
      try {
        const { chainId } = await getJson<{ chain: { chainId: string } }>(`${server.url}/fairness`).then((f) => f.chain);
        const assets = admin.assets;
        // Nothing pending: every award (withdrawals, and any room award) minted.
        await waitFor(async () => (await Promise.all(wallets.map((w) => awardsOf(server.url, w.address)))).every((a) => a.awards.every((x) => x.status === 'minted')), {
          what: 'every award minted after the last restart',
          timeout: 120_000,
          interval: 250,
        });
        const depositedTopic = assets.interface.getEvent('Deposited')!.topicHash;
        const mintedTopic = assets.interface.getEvent('AwardMinted')!.topicHash;
        const chainDeposits = async (): Promise<Log[]> => admin!.provider.getLogs({ address: gameAssets, topics: [depositedTopic], fromBlock: 0 });
        const idOf = (l: Log) => `deposit/${chainId}:${l.transactionHash.toLowerCase()}:${l.index}`;
        // Every deposit on the final chain credited (the watcher credits a block once it is in the node's state file).
        await waitFor(
          async () => {
            const logs = await chainDeposits();
            const credited = new Set((await Promise.all(wallets.map((w) => playerLedger(dataDir, w.address)))).flatMap((l) => l.refs('deposit')));
            return logs.every((l) => credited.has(idOf(l)));
          },
          { what: 'every deposit on chain credited', timeout: 60_000, interval: 250 },
        ).catch(() => undefined); // the assertions below say which deposit is not
        const depositLogs = await chainDeposits();
        const mintLogs = await admin.provider.getLogs({ address: gameAssets, topics: [mintedTopic], fromBlock: 0 });
        const mintsOf = new Map<string, number>();
        for (const l of mintLogs) mintsOf.set(l.topics[1]!.slice(2), (mintsOf.get(l.topics[1]!.slice(2)) ?? 0) + 1);
        const withdrawals = await readServerDatabase(dataDir, (db) => db.selectFrom('awards').select(['award_id', 'player', 'amount']).where('room_id', '=', WITHDRAWAL_ROOM).execute());
        const figures: string[] = [];
        for (const w of wallets) {
          const a = w.address.toLowerCase();
          const ledger = await playerLedger(dataDir, a);
          const coins = await coinsHeld(assets, w.address);
          expect(ledger.balance, `${a}: balance row = sum of entries`).toBe(ledger.entriesSum);
          expect((await chipsOf(server.url, w.address)).balance).toBe(ledger.balance);
          // Withdrawals: one chip entry each, one mint each.
          const own = withdrawals.filter((x) => x.player.toLowerCase() === a);
          expect(ledger.refs('cashout').sort(), a).toEqual(own.map((x) => `withdrawal/${x.award_id}`).sort());
          expect(own.filter((x) => mintsOf.get(x.award_id) !== 1).map((x) => [x.award_id, mintsOf.get(x.award_id) ?? 0]), `${a}: withdrawals minted once`).toEqual([]);
          const withdrawn = own.reduce((s, x) => s + Number(x.amount), 0);
          expect(-(ledger.byReason['cashout'] ?? 0)).toBe(withdrawn * UNITS_PER_CHIP);
          // Deposits: exactly the final chain's, each credited once.
          const logs = depositLogs.filter((l) => '0x' + l.topics[1]!.slice(26) === a && BigInt(l.topics[2]!) === BigInt(COIN));
          expect(ledger.refs('deposit').sort(), `${a}: deposits credited = Deposited events on the final chain`).toEqual(logs.map(idOf).sort());
          const deposited = logs.reduce((s, l) => s + Number(BigInt(l.data)), 0);
          expect(ledger.byReason['deposit'] ?? 0).toBe(deposited * UNITS_PER_CHIP);
          // Coins and chips add up.
          expect(coins, `${a}: coins held`).toBe(GIVEN + ledger.roomCoins + withdrawn - deposited);
          expect(ledger.balance + coins * UNITS_PER_CHIP, `${a}: chips + coins`).toBe(ledger.grantAndPlay + (GIVEN + ledger.roomCoins) * UNITS_PER_CHIP);
          figures.push(`${a.slice(0, 8)}: ${own.length} cash-outs (${withdrawn} coins), ${logs.length} deposits (${deposited} coins), ${ledger.refs('stake').length} bets, ${coins} coins held`);
        }
        console.log(`economy crash test: kills ${kills.join('; ')}\n  ${figures.join('\n  ')}`);
      } finally {
        admin.close();
        await server.stop();
      }
    },
  );
});
