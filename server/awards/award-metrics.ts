/**
 * The minter's Prometheus series beside those of `server/metrics.ts`, in its registry: how much
 * of each token's epoch cap is used (read from GameAssets at each scrape, so every process of a
 * cluster tells the same), and the awards waiting by token: below their token's minimum
 * (accumulating) and over a cap until the next epoch (known to the process that mints).
 * @module
 */
import type { Contract } from 'ethers';
import { Gauge, type Registry } from 'prom-client';

/** Reads at the pending block, as the cap budget does: its timestamp is now. */
const PENDING = { blockTag: 'pending' } as const;
/** A scrape waits at most this long for the chain; the cap series are left out of that scrape otherwise. */
const CHAIN_TIMEOUT_MS = 2_000;

export interface AwardGaugeSources {
  readonly contract: Contract;
  readonly tokenIds: readonly number[];
  /** Awards waiting, by token id (the minting process's; empty elsewhere). */
  readonly waiting: () => { accumulating: ReadonlyMap<number, number>; capped: ReadonlyMap<number, number> };
}

export function registerAwardMetrics(registry: Registry, sources: AwardGaugeSources): void {
  const capUse = async (): Promise<{ token: number; minted: bigint; cap: bigint }[]> => {
    const { contract, tokenIds } = sources;
    const epoch = (await contract.getFunction('currentEpoch')(PENDING)) as bigint;
    return Promise.all(
      tokenIds.map(async (token) => {
        const [, cap] = (await contract.getFunction('tokens')(token, PENDING)) as [boolean, bigint, bigint];
        const minted = (await contract.getFunction('mintedInEpoch')(epoch, token, PENDING)) as bigint;
        return { token, minted, cap };
      }),
    );
  };
  // One chain read serves the three cap series of a scrape (each gauge collects on its own).
  let reading: { at: number; use: Promise<Awaited<ReturnType<typeof capUse>>> } | undefined;
  const readUse = () => {
    if (!reading || Date.now() - reading.at > 1_000) reading = { at: Date.now(), use: withTimeout(capUse(), CHAIN_TIMEOUT_MS).catch(() => []) };
    return reading.use;
  };
  const capGauge = (name: string, help: string, value: (u: { minted: bigint; cap: bigint }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['token'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const u of await readUse()) this.set({ token: String(u.token) }, value(u));
      },
    });
  capGauge('fairplay_epoch_minted', 'Amount of each token minted in the current cap epoch, in all', (u) => Number(u.minted));
  capGauge('fairplay_epoch_cap', "Each token's cap per epoch, in all (GameAssets)", (u) => Number(u.cap));
  capGauge('fairplay_epoch_cap_use_ratio', "Share of each token's epoch cap minted in the current epoch (minted / cap, in all)", (u) => (u.cap === 0n ? 0 : Number(u.minted) / Number(u.cap)));
  const byToken = (name: string, help: string, pick: (w: ReturnType<AwardGaugeSources['waiting']>) => ReadonlyMap<number, number>) =>
    new Gauge({
      name,
      help,
      labelNames: ['token'],
      registers: [registry],
      collect() {
        this.reset();
        const counts = pick(sources.waiting());
        for (const token of sources.tokenIds) this.set({ token: String(token) }, counts.get(token) ?? 0);
      },
    });
  byToken('fairplay_awards_accumulating', "Awards below their token's minimum (MIN_AWARD_AMOUNTS), waiting for more of the player's", (w) => w.accumulating);
  byToken('fairplay_awards_capped', 'Awards over an epoch cap (in all or per player), waiting for the next epoch', (w) => w.capped);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
