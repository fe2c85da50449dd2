/**
 * A crowd of bots on one or more servers, grown in steps: players arrive one after another, as
 * a crowd does, not in one instant; raid players fill rooms of 8; dice bots of the default mix
 * cash out every second one (--economy: its roles, deposits too). `stop()` ends every bot's loop.
 * @module
 */
import { UNITS_PER_CHIP } from '../../games/chips.ts';
import { servedRulesHash } from '../helpers/player.ts';
import { diceBot, joinBot, raidBot, type DiceStakes } from './bots.ts';
import { BotCashier, defaultMixRole, ECONOMY_COURT_BOND_COINS, economyRole, economyStakeUnits, type PublicChain } from './economy-bots.ts';
import { LoadStats, sleep } from './load-stats.ts';

export interface CrowdOptions {
  readonly urls: readonly string[];
  readonly raidShare: number;
  /** The dice bots' stakes. */
  readonly stakes: DiceStakes;
  /** --economy: its roles (deposits too), through this chain. */
  readonly economyChain?: PublicChain;
}

const RAID_ROOM_SIZE = 8;

export class Crowd {
  readonly stats = new LoadStats();
  readonly #bots: Promise<void>[] = [];
  #players = 0;
  #raidPlayers = 0;
  #raidRoom: string | undefined;
  #inRaidRoom = 0;
  #diceRules: string | undefined;

  constructor(private readonly opts: CrowdOptions) {}

  get players(): number {
    return this.#players;
  }

  /** Adds players until there are `total`, keeping the raid share of the whole crowd. */
  async growTo(total: number): Promise<void> {
    this.#diceRules ??= await servedRulesHash(this.opts.urls[0]!, 'dice');
    while (this.#players < total) {
      const i = this.#players++;
      const raid = this.#raidPlayers < Math.round((i + 1) * this.opts.raidShare);
      const url = this.opts.urls[i % this.opts.urls.length]!;
      try {
        if (raid) {
          this.#raidPlayers++;
          const bot = await joinBot(url, 'raid', this.stats, this.#inRaidRoom < RAID_ROOM_SIZE ? this.#raidRoom : undefined);
          if (bot.room.roomId !== this.#raidRoom) [this.#raidRoom, this.#inRaidRoom] = [bot.room.roomId, 0];
          this.#inRaidRoom++;
          this.#bots.push(raidBot(bot, this.stats).catch(() => this.stats.error('bot crashed')));
        } else {
          const diceIndex = i - this.#raidPlayers;
          const bot = await joinBot(url, 'dice', this.stats);
          const chain = this.opts.economyChain;
          const cashier = new BotCashier(url, bot.wallet, chain ? economyRole(diceIndex) : defaultMixRole(diceIndex), chain);
          this.#bots.push(diceBot(bot, this.#diceRules, this.stats, this.opts.stakes, cashier).catch(() => this.stats.error('bot crashed')));
        }
      } catch (e) {
        this.stats.error(`join failed: ${(e as Error).message.slice(0, 60)}`);
      }
    }
  }

  /** Ends every bot's loop and waits (at most 15 s) for their last turns. */
  async stop(): Promise<void> {
    this.stats.running = false;
    await Promise.race([Promise.allSettled(this.#bots), sleep(15_000)]);
  }
}

/**
 * The dice bots' stakes for a run of `seconds`: bets of 1 to 3 halves of the --economy stake (2
 * on average: that stake, which meets the easier wagering requirement within the run, with a
 * bankroll that lasts longer), and payouts under half the court bond the tool sets.
 */
export const stakesFor = (seconds: number): DiceStakes => ({ baseStake: Math.max(UNITS_PER_CHIP, Math.floor(economyStakeUnits(seconds) / 2)), maxPayout: (ECONOMY_COURT_BOND_COINS / 2) * UNITS_PER_CHIP });
