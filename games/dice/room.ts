/**
 * Dice, over/under, on the server: a wager room for several players. A bet is a draw: the player
 * commits to a seed, the room answers with a signed receipt (the stake is taken), the player
 * reveals, the room proves and pays. Everything but the betting rules is the base room's.
 * Stakes, payouts and balances are in units (`games/chips.ts`).
 * @module
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import { z } from 'zod';
import { InsufficientChips } from '../../server/chips/chip-ledger.ts';
import { MIN_STAKE_UNITS, stakeProblem, UNITS_PER_CHIP } from '../chips.ts';
import { addressOf, AuthorizationSchema, GameRoom, Hex32Schema, Refusal, type PlayerClient } from '../../server/rooms/game-room.ts';
import { NO_EFFECTS, type RecordEffects, type ServerGame } from '../../server/rooms/server-game.ts';
import { services } from '../../server/services.ts';
import type { OutcomeMessage } from '../../server/fairness/room-transcript.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { dice, DiceBetSchema, diceActionProblem, type DiceBet, type DiceResult } from './rules.ts';

/** `balance` and a roll's `payout` are in units. */
const DicePlayer = schema({ address: t.string(), balance: t.number().default(0), connected: t.boolean().default(true) }, 'DicePlayer');
const DiceRoll = schema(
  { drawSeq: t.number(), player: t.string(), target: t.number(), direction: t.string(), roll: t.number(), win: t.boolean(), payout: t.number() },
  'DiceRoll',
);
export const DiceState = schema(
  {
    players: t.map(DicePlayer),
    rolls: t.array(DiceRoll),
    houseEdgeBps: t.number().default(0),
    draws: t.number().default(0),
  },
  'DiceState',
);
type DiceStateType = SchemaType<typeof DiceState>;

/** A bet: the dice action (the stake in units), a commitment, and the player's signature of the draw request (the action under the served rules, whose hash pins the edge). */
const BetMessage = DiceBetSchema.extend({ commitment: Hex32Schema, authorization: AuthorizationSchema });

/** Bets a player may have waiting for a reveal at once. */
const MAX_PENDING_PER_PLAYER = 4;
const RECENT_ROLLS = 20;

class DiceRoom extends GameRoom<DiceStateType> {
  protected override readonly rules = dice;
  protected override readonly stakesChips = true;
  override state = new DiceState();
  /** Bets per player (lowercase address) receipted or on their way to a receipt, not yet ended. */
  readonly #open = new Map<string, number>();

  protected override setUp(): void {
    this.state.houseEdgeBps = servedEdgeBps();
    // No clock in the state: an idle room sends nothing. The server's time is the base room's `clock` message.
    this.on('bet', BetMessage, (client, bet) => this.#bet(client, bet));
  }

  protected override async playerJoined(client: PlayerClient): Promise<void> {
    // Chips this player won or got back on another process count here from the first bet.
    const address = addressOf(client);
    await services().chips.load(address);
    const player = this.state.players.get(address) ?? new DicePlayer();
    player.address = address;
    player.connected = true;
    if (!this.state.players.has(address)) this.state.players.set(address, player);
    this.#showBalance(address);
  }

  protected override playerAway(address: string, left: boolean): void {
    const player = this.state.players.get(address);
    if (player) player.connected = false;
    if (left && !this.clients.some((c) => c.auth?.address === address)) this.state.players.delete(address);
  }

  async #bet(client: PlayerClient, bet: z.output<typeof BetMessage>): Promise<void> {
    const { config, chips } = services();
    const address = addressOf(client);
    const action: DiceBet = { stake: bet.stake, target: bet.target, direction: bet.direction };
    const problem = diceActionProblem({ ...action, edgeBps: servedEdgeBps() }) ?? stakeProblem(action.stake, config.maxBetUnits);
    if (problem) throw new Refusal('bad-bet', problem);
    const authorization = this.authorize(client, { kind: 'roll', action: { ...action }, commitment: bet.commitment }, bet.authorization);
    const key = address.toLowerCase();
    const open = this.#open.get(key) ?? 0;
    if (open >= MAX_PENDING_PER_PLAYER) throw new Refusal('too-many-pending', `at most ${MAX_PENDING_PER_PLAYER} unrevealed bets`);
    try {
      chips.reserve(address, action.stake);
    } catch (e) {
      if (e instanceof InsufficientChips) throw new Refusal('insufficient-chips', e.message);
      throw e;
    }
    this.#open.set(key, open + 1);
    try {
      const receipt = await this.openDraw({ kind: 'roll', action: { ...action }, players: [{ address, commitment: bet.commitment, authorization }] });
      this.state.draws = receipt.drawSeq + 1;
    } catch (e) {
      this.#open.set(key, (this.#open.get(key) ?? 1) - 1);
      throw e;
    } finally {
      // The receipt's stake entry has taken the chips by now (or the bet failed): the hold ends.
      chips.release(address, action.stake);
      this.#showBalance(address);
    }
  }

  protected override drawSettled(outcome: OutcomeMessage, receipt: ReceiptRecord): void {
    const { roll, win, payout } = outcome.record.result as unknown as DiceResult;
    const action = receipt.action as DiceBet;
    const player = receipt.players[0]!;
    this.state.rolls.push(new DiceRoll({ drawSeq: receipt.drawSeq, player, target: action.target, direction: action.direction, roll, win, payout }));
    while (this.state.rolls.length > RECENT_ROLLS) this.state.rolls.shift();
    this.#ended(player);
  }

  protected override drawVoided(receipt: ReceiptRecord): void {
    this.#ended(receipt.players[0]!);
  }

  #ended(player: string): void {
    const key = player.toLowerCase();
    this.#open.set(key, Math.max(0, (this.#open.get(key) ?? 1) - 1));
    this.#showBalance(player);
  }

  #showBalance(address: string): void {
    const player = this.state.players.get(address);
    if (player) player.balance = services().chips.available(address);
  }
}

/** The edge of the rules this server serves dice under. */
const servedEdgeBps = (): number => Number(services().fairness.rules['dice']?.document.terms['edgeBps']);

/** The stake of a receipt's action, v1 (with `edgeBps`) or v2. */
const StakeOf = z.object({ stake: DiceBetSchema.shape.stake });

/**
 * The stake is taken at the receipt, refunded by a void, and a win pays out in chips. Wins and
 * losses move chips only: coins come from cashing chips out (`POST /economy/cash-out`), never
 * from a win, so free chips cannot be farmed into coins.
 */
function diceEffects(record: HashedRecord, receipt: ReceiptRecord): RecordEffects {
  const player = receipt.players[0]!;
  const { stake } = StakeOf.parse(receipt.action);
  const ref = `${record.roomId}/${record.drawSeq}`;
  if (record.type === 'receipt') return { chips: [{ ref: `${ref}/stake`, address: player, delta: -stake, reason: 'stake' }], awards: [] };
  if (record.type === 'void') return { chips: [{ ref: `${ref}/refund`, address: player, delta: stake, reason: 'refund' }], awards: [] };
  if (record.type !== 'outcome') return NO_EFFECTS;
  const payout = Number(record.result['payout'] ?? 0);
  if (payout === 0) return NO_EFFECTS;
  return { chips: [{ ref: `${ref}/payout`, address: player, delta: payout, reason: 'payout' }], awards: [] };
}

export default {
  rules: dice,
  room: DiceRoom,
  effects: diceEffects,
  // The edge is a term of the rules: the receipt's rulesHash pins it, and the player signs that hash.
  ruleSettings: (config) => ({ edgeBps: config.houseEdgeBps }),
  // The bet limits are in chips (a stake is in units: `minBet` is 10,000 units).
  terms: (config) => ({ minBet: MIN_STAKE_UNITS / UNITS_PER_CHIP, maxBet: config.maxBet }),
} satisfies ServerGame;
