/**
 * The operator's view of the economy, running: every ECONOMY_SAMPLE_SECONDS one process (the
 * minter's lease holder in a cluster) samples each token's supply into `economy_samples` and
 * fills in missing mint gas; every process refreshes the economy's Prometheus series then.
 * `report()` answers `GET /economy` from a copy at most REPORT_TTL_MS old; `coins()` answers
 * `/health`'s `economy` within HEALTH_WAIT_MS whatever the chain does.
 * @module
 */
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { COIN_TOKEN_ID, TOKEN_IDS } from '../awards/tokens.ts';
import { withDeadline, type ChainFigures } from './chain-figures.ts';
import { economyReport, type EconomyReport, type EconomySources } from './economy-stats.ts';
import type { EconomyGauges } from './economy-metrics.ts';
import { flowTotals, mintedLessDeposited } from './economy-queries.ts';
import { backfillMintGas } from './gas-backfill.ts';
import { reconcileCoins, type CoinReconciliation } from './reconciliation.ts';
import type { Provider } from 'ethers';

/** How long a GET /economy answer is reused. */
export const REPORT_TTL_MS = 10_000;
/** How long a reconciliation is reused by /health. */
const COINS_TTL_MS = 15_000;
/** The most /health waits for a fresh reconciliation before answering with the last one. */
const HEALTH_WAIT_MS = 1500;
/** The most one reconciliation may take (the chain's reads included). */
const COINS_DEADLINE_MS = 10_000;
/** The most a stop waits for a tick in progress. */
const STOP_WAIT_MS = 5000;

export interface EconomyServiceOptions {
  readonly database: Database;
  readonly chain: ChainFigures;
  readonly provider: Provider;
  readonly gameAssets: string;
  readonly sources: Omit<EconomySources, 'db' | 'chain' | 'gameAssets'>;
  readonly gauges: EconomyGauges;
  readonly sampleSeconds: number;
  readonly log: Logger;
  /** Whether this process samples (the minter's lease in a cluster); always when absent. */
  readonly mayWrite?: () => boolean;
}

export class EconomyService {
  #report: { at: number; value: Promise<EconomyReport> } | undefined;
  #coins: CoinReconciliation = { reconciled: null, why: 'not checked yet', checkedAt: 0 };
  #coinsRun: Promise<CoinReconciliation> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(private readonly opts: EconomyServiceOptions) {}

  start(): void {
    const run = () => {
      this.#tick = this.#tick.then(() => this.sample()).catch((e: unknown) => this.opts.log.warn({ err: e }, 'economy sample failed; next one as usual'));
    };
    run();
    this.#timer = setInterval(run, this.opts.sampleSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    // A tick waiting on a silent chain does not hold the shutdown.
    const bounded = (p: Promise<unknown>) => withDeadline(p, STOP_WAIT_MS, 'economy stop').catch(() => undefined);
    await bounded(this.#tick);
    await bounded(this.#coinsRun ?? Promise.resolve());
  }

  /** GET /economy's answer, computed at most once per REPORT_TTL_MS (callers meanwhile share it). */
  report(): Promise<EconomyReport> {
    const now = Date.now();
    if (!this.#report || now - this.#report.at > REPORT_TTL_MS) {
      const value = economyReport({ ...this.opts.sources, db: this.opts.database.db, chain: this.opts.chain, gameAssets: this.opts.gameAssets });
      this.#report = { at: now, value };
      // A failed computation is not kept: the next request tries again.
      value.catch(() => {
        if (this.#report?.value === value) this.#report = undefined;
      });
    }
    return this.#report.value;
  }

  /** /health's economy field: the latest reconciliation, refreshed if old, never waiting more than HEALTH_WAIT_MS. */
  async coins(): Promise<CoinReconciliation> {
    if (Date.now() - this.#coins.checkedAt <= COINS_TTL_MS) return this.#coins;
    const fresh = this.reconcile();
    const late = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), HEALTH_WAIT_MS).unref());
    return (await Promise.race([fresh, late])) ?? this.#coins;
  }

  /** One reconciliation at a time; a mismatch is read again once (a mint confirmed between the two sides' reads). */
  reconcile(): Promise<CoinReconciliation> {
    this.#coinsRun ??= (async () => {
      const once = () => withDeadline(reconcileCoins(this.opts.database.db, this.opts.chain, this.opts.gameAssets, COIN_TOKEN_ID), COINS_DEADLINE_MS, 'coin reconciliation');
      try {
        let result = await once();
        if (result.reconciled === false) result = await once();
        this.#coins = result;
      } catch (e) {
        this.#coins = { reconciled: null, why: `the chain or the database did not answer: ${(e as Error).message.slice(0, 200)}`, checkedAt: Date.now() };
      } finally {
        this.#coinsRun = undefined;
      }
      return this.#coins;
    })();
    return this.#coinsRun;
  }

  /**
   * A contract without totalSupply: the coin's AwardMinted events less its Deposited ones (court
   * bonds included, as the reconciliation counts them); an item's minted awards in the database.
   */
  async #supplyWithoutTotalSupply(tokenId: number, block: number): Promise<bigint> {
    if (tokenId === COIN_TOKEN_ID) {
      const events = await this.opts.chain.coinEvents(block);
      return events.minted - events.deposited;
    }
    return BigInt(await mintedLessDeposited(this.opts.database.db, this.opts.gameAssets, tokenId, COIN_TOKEN_ID));
  }

  /** One tick: samples (one process), then refreshes the Prometheus series (every process). */
  async sample(): Promise<void> {
    const { database, chain, log } = this.opts;
    if (this.opts.mayWrite?.() ?? true) {
      const at = Date.now();
      const block = await chain.settledBlock();
      const rows = await Promise.all(
        TOKEN_IDS.map(async (tokenId) => {
          const supply = (await chain.totalSupply(tokenId, block)) ?? (await this.#supplyWithoutTotalSupply(tokenId, block));
          return { at, token_id: tokenId, supply: supply.toString() };
        }),
      );
      await database.db.insertInto('economy_samples').values(rows).onConflict((oc) => oc.columns(['at', 'token_id']).doNothing()).execute();
      const filled = await backfillMintGas(database.db, this.opts.provider, this.opts.gameAssets);
      if (filled > 0) log.info({ filled }, 'filled in the gas of mint transactions confirmed before gas was recorded');
    }
    this.#report = undefined;
    const [report, coins, totals] = await Promise.all([this.report(), this.reconcile(), flowTotals(database.db)]);
    this.opts.gauges.update(report, coins, totals);
  }
}
