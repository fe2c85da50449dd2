/**
 * A real chain to mint on, for the minter tests and the minting bench: anvil on loopback,
 * GameAssets deployed with a funded minter key, an award outbox and a mint log in a SQLite
 * database in a temporary directory, and minters built on them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, Wallet } from 'ethers';
import { pino } from 'pino';
import { awardId, type Award } from '../../server/awards/award-sink.ts';
import { AwardMinter } from '../../server/awards/minter.ts';
import type { ProvenAwards } from '../../server/awards/proven-loot.ts';
import { SqlAwardOutbox } from '../../server/awards/sql-award-outbox.ts';
import { SqlMintLog } from '../../server/awards/sql-mint-log.ts';
import { startAnvil } from '../../server/chain/anvil.ts';
import { rpcProvider } from '../../server/chain/chain.ts';
import { ensureGameAssets } from '../../server/chain/deployment.ts';
import { openDatabase } from '../../server/db/database.ts';
import { bytesToHex, sha256, utf8ToBytes } from '../../vrf/protocol/encoding.ts';
import { waitFor } from './wait-for.ts';

export const EPOCH_SECONDS = 86_400;

/** Awards numbered from `from`, to `players` in turn, each with its own source draw. */
export function makeAwards(from: number, count: number, players: readonly string[], roomId = 'mint-chain'): Award[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const source = { roomId, drawSeq: i, recordSeq: i + 1, recordHash: bytesToHex(sha256(utf8ToBytes(`${roomId} ${i}`))) };
    return { awardId: awardId(source, 0), player: players[i % players.length]!, tokenId: 1, amount: 1 + (i % 7), source };
  });
}

export interface MintChainOptions {
  /** The coin's caps per epoch, per player and in all; default: no cap in practice. */
  readonly playerEpochCap?: bigint;
  readonly epochCap?: bigint;
  readonly batchSize?: number;
  /** More token ids to configure (uncapped in practice), e.g. items. */
  readonly itemTokens?: readonly number[];
  readonly minAwardAmounts?: ReadonlyMap<number, number>;
  /** The minter's proven awards (mintWithProof); default none. */
  readonly proven?: ProvenAwards;
}

export async function startMintChain(opts: MintChainOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mint-chain-'));
  const node = await startAnvil();
  const provider = rpcProvider(node.url);
  const wallet = Wallet.createRandom().connect(provider);
  await provider.send('anvil_setBalance', [wallet.address, '0x3635c9adc5dea00000']);
  const { contract } = await ensureGameAssets(provider, await provider.getSigner(0), {
    recordFile: join(dir, 'deployment.json'),
    uri: 'https://fairplay.example/assets/{id}.json',
    epochSeconds: EPOCH_SECONDS,
    tokens: [
      { id: 1, epochCap: opts.epochCap ?? 10n ** 30n, playerEpochCap: opts.playerEpochCap ?? 10n ** 30n },
      ...(opts.itemTokens ?? []).map((id) => ({ id, epochCap: 10n ** 30n, playerEpochCap: 10n ** 30n })),
    ],
    minter: wallet.address,
    vrfKey: { keyId: '0d919fdcbe9bb1e8', suite: 'ECVRF-EDWARDS25519-SHA512-TAI', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
  });
  const assets = contract.connect(wallet) as Contract;
  const database = await openDatabase({ dataDir: dir });
  const outbox = new SqlAwardOutbox(database, [1, ...(opts.itemTokens ?? [])]);
  const mints = new SqlMintLog(database, await assets.getAddress());
  const minters: AwardMinter[] = [];
  return {
    provider,
    assets,
    /** The minter's wallet address (MINTER_ROLE). */
    minterAddress: wallet.address,
    /** Where the database is, for a second handle on it (another process's). */
    dataDir: dir,
    database,
    outbox,
    mints,
    /** A started minter on this chain's outbox and log. */
    minter(): AwardMinter {
      const m = new AwardMinter({
        outbox,
        mints,
        contract: assets,
        wallet,
        provider,
        chainId: 31337n,
        batchSize: opts.batchSize ?? 100,
        ...(opts.minAwardAmounts ? { minAwardAmounts: opts.minAwardAmounts } : {}),
        ...(opts.proven ? { proven: opts.proven } : {}),
        confirmations: 1,
        receiptTimeoutMs: 5_000,
        log: pino({ level: 'silent' }),
      });
      minters.push(m);
      m.start();
      return m;
    },
    async balance(player: string): Promise<bigint> {
      return (await assets.getFunction('balanceOf')(player, 1)) as bigint;
    },
    /** Every award in the outbox, in the order recorded. */
    async all(): Promise<Award[]> {
      return (await outbox.unminted('0x' + '00'.repeat(20), 0, Number.MAX_SAFE_INTEGER)).awards;
    },
    /** The mint log's voided transactions, with why. */
    async voided(): Promise<{ hash: string; reason: string | null }[]> {
      return database.db.selectFrom('mint_txs').select(['hash', 'reason']).where('state', '=', 'voided').execute();
    },
    async close(): Promise<void> {
      await Promise.all(minters.map((m) => m.stop()));
      await outbox.close();
      await database.close();
      provider.destroy();
      await node.stop();
    },
  };
}

/** Polls `check` every 5 ms until it holds (the bench times with it, hence the short interval). */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  await waitFor(check, { what, timeout: ms, interval: 5 });
}
