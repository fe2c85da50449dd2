/**
 * Minting awards on the embedded node (anvil), measured in one run:
 * - end to end: awards written to the outbox until confirmed on chain by the minter, batched
 *   (MINT_BATCH_SIZE 100) next to one award per transaction (batch size 1), both with every
 *   award written at once, and batched at a steady 500 awards/s for the latency at that load;
 * - gas per award of `mintAwards` with 1, 10 and 100 awards per transaction, for awards to
 *   players who already hold the token (the steady state of a game) and to new holders.
 * @module
 */
import { Wallet, hexlify, randomBytes, type Contract } from 'ethers';
import type { Target } from './vrf.bench.ts';
import { makeAwards, startMintChain, until } from '../helpers/mint-chain.ts';

const PLAYERS = Array.from({ length: 8 }, () => Wallet.createRandom().address);
/** Rooms report awards a few at a time; this many per outbox write. */
const WRITE_CHUNK = 20;

interface Throughput {
  awards: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  transactions: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/**
 * Writes `count` awards in chunks, as fast as the outbox takes them or at `offeredPerSec`, and
 * times each from its write until the minter reports it minted.
 */
async function mintEndToEnd(batchSize: number, count: number, offeredPerSec?: number): Promise<Throughput> {
  const chain = await startMintChain({ batchSize });
  try {
    const minter = chain.minter();
    const awards = makeAwards(0, count, PLAYERS, `bench-${batchSize}`);
    const written = new Map<string, number>();
    const latencies: number[] = [];
    const started = performance.now();
    const writer = (async () => {
      for (let i = 0; i < count; i += WRITE_CHUNK) {
        if (offeredPerSec) {
          const due = started + (i / offeredPerSec) * 1000;
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
        }
        const chunk = awards.slice(i, i + WRITE_CHUNK);
        await chain.outbox.record(chunk);
        const now = performance.now();
        for (const a of chunk) written.set(a.awardId, now);
      }
    })();
    const seen = new Set<string>();
    await until(
      'every award minted',
      async () => {
        const ids = [...written.keys()].filter((id) => !seen.has(id));
        const statuses = await minter.statuses(ids);
        const now = performance.now();
        ids.forEach((id, i) => {
          if (statuses[i]!.status !== 'minted') return;
          seen.add(id);
          latencies.push(now - written.get(id)!);
        });
        return seen.size === count;
      },
      600_000,
    );
    await writer;
    const seconds = (performance.now() - started) / 1000;
    const hashes = new Set((await minter.statuses(awards.map((a) => a.awardId))).map((s) => (s.status === 'minted' ? s.txHash : '')));
    latencies.sort((a, b) => a - b);
    return { awards: count, perSecond: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), transactions: hashes.size };
  } finally {
    await chain.close();
  }
}

/** Gas per award of one mintAwards call with `n` awards to `to(i)`. */
async function gasPerAward(assets: Contract, n: number, to: (i: number) => string): Promise<number> {
  const players = Array.from({ length: n }, (_, i) => to(i)).sort();
  const tx = await assets.getFunction('mintAwards')(players, players.map(() => 1), players.map((_, i) => 1 + (i % 7)), players.map(() => hexlify(randomBytes(32))));
  return Number((await tx.wait()).gasUsed) / n;
}

async function measureGas(): Promise<{ size: number; holders: number; newHolders: number }[]> {
  const chain = await startMintChain();
  try {
    await gasPerAward(chain.assets, PLAYERS.length, (i) => PLAYERS[i]!); // every player holds the token
    const rows = [];
    let k = 0;
    for (const size of [1, 10, 100]) {
      const holders = await gasPerAward(chain.assets, size, () => PLAYERS[k++ % PLAYERS.length]!);
      const newHolders = await gasPerAward(chain.assets, size, () => Wallet.createRandom().address);
      rows.push({ size, holders, newHolders });
    }
    return rows;
  } finally {
    await chain.close();
  }
}

export async function benchAwards(): Promise<{ table: string; targets: Target[] }> {
  const single = await mintEndToEnd(1, 300);
  const batched = await mintEndToEnd(100, 5000);
  const paced = await mintEndToEnd(100, 2000, 500);
  const gas = await measureGas();
  const base = gas[0]!;
  const line = (name: string, t: Throughput) =>
    `${name.padEnd(34)} ${t.perSecond.toFixed(0).padStart(6)} awards/s  ${t.transactions.toString().padStart(5)} txs  written->minted p50 ${t.p50Ms.toFixed(0)} ms, p99 ${t.p99Ms.toFixed(0)} ms`;
  const rows = [
    line(`single (1 per tx), ${single.awards} awards`, single),
    line(`batched (up to 100), ${batched.awards} awards`, batched),
    line(`batched, ${paced.awards} offered at 500/s`, paced),
    `batched / single: ${(batched.perSecond / single.perSecond).toFixed(1)}x awards/s (target: at least 100 awards/s batched)`,
    '',
    'gas per award      to holders   vs single   to new holders   vs single',
    ...gas.map(
      (g) =>
        `batch of ${String(g.size).padEnd(8)} ${g.holders.toFixed(0).padStart(10)}   ${(g.holders / base.holders).toFixed(2).padStart(8)}   ${g.newHolders.toFixed(0).padStart(14)}   ${(g.newHolders / base.newHolders).toFixed(2).padStart(8)}`,
    ),
  ];
  const gasRatio = gas[2]!.holders / base.holders;
  const rate = batched.perSecond / 100;
  return {
    table: rows.join('\n'),
    targets: [
      { name: 'batched awards/s end to end vs 100/s', ratio: rate, target: 1, met: rate >= 1 },
      { name: 'gas per award, batch of 100 / single (at most)', ratio: gasRatio, target: 0.4, met: gasRatio <= 0.4 },
    ],
  };
}
