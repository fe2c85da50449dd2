/**
 * `npm run load -- --economy`: the economy under load. The server runs with a bonus small enough,
 * and a wagering multiple low enough, for bots betting a few dozen chips a second to meet the
 * wagering requirement within the first half of the run; then half of the dice bots cash out
 * their whole withdrawable coins (a fresh sign-in token per request: a token is good for one),
 * and half of those deposit half of their coins back once the minter has put them on chain
 * (gas money from the server's faucet, `POST /chain/fund`, the transaction sent through the
 * server's JSON-RPC endpoint, as the page's cashier does). Raid bots play as always: their loot
 * is minted as awards under the caps. Supplies are sampled often enough for several points a run.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Contract, JsonRpcProvider, type HDNodeWallet } from 'ethers';
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import type { ChipsAnswer } from '../../server/economy/chips-answer.ts';
import { cashOut } from '../helpers/cash-out.ts';
import { getJson, signInToken } from '../helpers/player.ts';

/** The bonus under --economy, in chips, and how many times over it is to be bet. */
export const ECONOMY_BONUS_CHIPS = 1000;
export const ECONOMY_WAGER_MULTIPLE = 1;
/** Bets between two looks at a bot's withdrawable chips and coins. */
const CHECK_EVERY_BETS = 5;

const COIN = 1;
const GAME_ASSETS_ABI = ['function deposit(uint256 id, uint256 amount)', 'function balanceOf(address account, uint256 id) view returns (uint256)'] as const;

/** What the economy's bots did, for the final report. */
export const economyStats = { cashOuts: 0, cashedCoins: 0, deposits: 0, depositedCoins: 0, faucetPayments: 0, refusals: new Map<string, number>() };

function refused(kind: string): void {
  economyStats.refusals.set(kind, (economyStats.refusals.get(kind) ?? 0) + 1);
}

/** Seconds between two supply samples: about ten in a run, between 5 and 30 s. */
export function economySampleSeconds(runSeconds: number): number {
  return Math.min(30, Math.max(5, Math.round(runSeconds / 10)));
}

/** A dice bot's stake under --economy, in chips: enough to meet the wagering requirement in 40% of the run (a bet a second). */
export function economyStakeChips(runSeconds: number): number {
  return Math.min(50, Math.max(1, Math.ceil((ECONOMY_BONUS_CHIPS * ECONOMY_WAGER_MULTIPLE) / (0.4 * runSeconds))));
}

/** Seconds per emission-cap epoch: about four in a run (the per-epoch plots get several points), between 10 s and an hour. */
export function economyEpochSeconds(runSeconds: number): number {
  return Math.min(3600, Math.max(10, Math.round(runSeconds / 4)));
}

/**
 * The court's bond under --economy, in coins: a load run does not use the reveal court, and the
 * default bond (1,000,000 coins, minted at deployment) would flatten the coin supply plot.
 */
export const ECONOMY_COURT_BOND_COINS = 1000;

/** The server's settings under --economy. */
export function economyServerEnv(runSeconds: number): Record<string, string> {
  return {
    STARTING_CHIPS: String(ECONOMY_BONUS_CHIPS),
    BONUS_WAGER_MULTIPLE: String(ECONOMY_WAGER_MULTIPLE),
    MIN_CASHOUT_COINS: '1',
    ECONOMY_SAMPLE_SECONDS: String(economySampleSeconds(runSeconds)),
    AWARD_EPOCH_SECONDS: String(economyEpochSeconds(runSeconds)),
    COURT_BOND_COINS: String(ECONOMY_COURT_BOND_COINS),
  };
}

/** The line the tool prints about the settings, so a reader knows the economy ran on easier terms than the defaults. */
export function economyTermsLine(runSeconds: number): string {
  return (
    `economy: bonus ${ECONOMY_BONUS_CHIPS} chips, wagering requirement ${ECONOMY_WAGER_MULTIPLE}x the bonus (the default is 30x: lowered so that bots meet it in a run), ` +
    `cash-outs from 1 coin, dice bets of ${economyStakeChips(runSeconds)} chips, supplies sampled every ${economySampleSeconds(runSeconds)} s, ` +
    `cap epochs of ${economyEpochSeconds(runSeconds)} s (default a day), a court bond of ${ECONOMY_COURT_BOND_COINS.toLocaleString('en-US')} coins (default 1,000,000); ` +
    `half the dice bots cash out, a quarter also deposit coins back`
  );
}

/** The chain as the server publishes it (`/fairness`): what a bot's deposit is sent through. */
export interface PublicChain {
  readonly provider: JsonRpcProvider;
  readonly gameAssets: string;
}

export async function publicChain(url: string): Promise<PublicChain> {
  const { chain } = await getJson<{ chain: { rpcUrl: string; chainId: string; gameAssets: string } }>(`${url}/fairness`);
  const provider = new JsonRpcProvider(chain.rpcUrl, Number(chain.chainId), { staticNetwork: true, batchMaxCount: 1 });
  provider.pollingInterval = 1000;
  return { provider, gameAssets: chain.gameAssets };
}

export type EconomyRole = 'plays' | 'cashes-out' | 'deposits';

/** The role of the i-th dice bot under --economy: every second one cashes out, every fourth also deposits. */
export const economyRole = (i: number): EconomyRole => (i % 4 === 0 ? 'deposits' : i % 2 === 0 ? 'cashes-out' : 'plays');

/** The role of the i-th dice bot in the default mix: every second one cashes out (so that coins are minted), none deposits. */
export const defaultMixRole = (i: number): EconomyRole => (i % 2 === 0 ? 'cashes-out' : 'plays');

/**
 * A dice bot's cashier: after every CHECK_EVERY_BETS-th bet, cashes out its whole withdrawable
 * coins, and (a depositor) deposits half of the coins it holds on chain. Failures are counted as
 * refusals with their reason, never thrown: the bot keeps playing.
 */
export class BotCashier {
  #bets = 0;
  #funded = false;

  constructor(
    private readonly url: string,
    private readonly wallet: HDNodeWallet,
    private readonly role: EconomyRole,
    /** Needed by depositors only: what a deposit is sent through. */
    private readonly chain?: PublicChain,
  ) {}

  async afterBet(): Promise<void> {
    if (this.role === 'plays' || ++this.#bets % CHECK_EVERY_BETS !== 0) return;
    try {
      await this.#cashOut();
      if (this.role === 'deposits') await this.#deposit();
    } catch (e) {
      refused(`economy: ${(e as Error).message.slice(0, 60)}`);
    }
  }

  async #cashOut(): Promise<void> {
    const chips = await getJson<ChipsAnswer>(`${this.url}/players/${this.wallet.address}/chips`);
    if (chips.withdrawableCoins < Math.max(1, chips.minCashOutCoins)) return;
    const answer = await cashOut(this.url, this.wallet, { coins: chips.withdrawableCoins, requestId: randomBytes(12).toString('hex') });
    if (answer.status !== 200) return refused(`cash-out ${answer.status}: ${String(answer.body['error'] ?? '').slice(0, 50)}`);
    economyStats.cashOuts++;
    economyStats.cashedCoins += chips.withdrawableCoins;
  }

  async #deposit(): Promise<void> {
    if (!this.chain) throw new Error('a depositor needs the public chain');
    const wallet = this.wallet.connect(this.chain.provider);
    const assets = new Contract(this.chain.gameAssets, GAME_ASSETS_ABI, wallet);
    const held = (await assets.getFunction('balanceOf')(wallet.address, COIN)) as bigint;
    if (held < 2n) return;
    if (!this.#funded) {
      // Gas money once: the faucet pays an address once a day, enough for many deposits.
      const res = await fetch(`${this.url}/chain/fund`, { method: 'POST', headers: { authorization: `Bearer ${await signInToken(this.url, this.wallet)}` } });
      if (!res.ok) return refused(`faucet ${res.status}`);
      await res.body?.cancel();
      this.#funded = true;
      economyStats.faucetPayments++;
    }
    const coins = held / 2n;
    const mined = (await (await assets.getFunction('deposit')(COIN, coins)).wait()) as { status: number } | null;
    if (mined?.status !== 1) return refused('deposit reverted');
    economyStats.deposits++;
    economyStats.depositedCoins += Number(coins);
  }
}

/** A bet's stake in units under --economy. */
export const economyStakeUnits = (runSeconds: number): number => economyStakeChips(runSeconds) * UNITS_PER_CHIP;
