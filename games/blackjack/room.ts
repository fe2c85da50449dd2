/**
 * Blackjack on the server: one player's table. A hand is one draw: the player bets with a seed
 * commitment, the room signs a receipt (the stake is taken), the player reveals, the room proves
 * and deals from the shuffled deck, showing only the player's cards and the dealer's up card.
 * Each hit, stand or double is a move record on disk before the next card is shown; when the
 * player's turn ends the outcome record publishes beta, the whole deck and the dealer's play.
 * A hand the player stops playing (the 60 s hand clock, a dropped player, the room closing, a
 * crash) is completed as a stand by the published mapping. Stakes, payouts and the balance are in
 * units (`games/chips.ts`).
 * @module
 */
import { schema, t, type SchemaType } from '@colyseus/schema';
import { z } from 'zod';
import { InsufficientChips } from '../../server/chips/chip-ledger.ts';
import { MIN_STAKE_UNITS, stakeProblem, UNITS_PER_CHIP } from '../chips.ts';
import { addressOf, AuthorizationSchema, GameRoom, Hex32Schema, Refusal, type PlayerClient } from '../../server/rooms/game-room.ts';
import { NO_EFFECTS, type RecordEffects, type ServerGame } from '../../server/rooms/server-game.ts';
import { services } from '../../server/services.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { blackjack, BlackjackActionSchema, BlackjackMoveSchema, deckOf, handState, type HandResult, type HandState } from './rules.ts';

export const BlackjackState = schema(
  {
    balance: t.number().default(0),
    /** betting (no hand), dealing (receipt out, waiting for the seed or the proof), playing, or settling */
    phase: t.string().default('betting'),
    drawSeq: t.number().default(-1),
  },
  'BlackjackState',
);
type BlackjackStateType = SchemaType<typeof BlackjackState>;

const BetMessage = BlackjackActionSchema.extend({ commitment: Hex32Schema, authorization: AuthorizationSchema });
/** A move, with the player's signature of it as the hand's next move (a `DrawMove`). */
const MoveMessage = z.strictObject({ drawSeq: z.number().int().min(0), move: BlackjackMoveSchema, authorization: AuthorizationSchema });

/** The hand under way: its receipt, and its deck once the seed is in (the room's eyes only). */
interface OpenHand {
  readonly receipt: ReceiptRecord;
  deck?: number[];
  readonly moves: string[];
  /** A move is being journaled: the next waits for its card. */
  busy: boolean;
}

/** What the player is shown of a hand: never the hole card or an undealt card before it is done. */
/** A deal: the hand's state, and how many moves are recorded on it (the next move's `moveIndex`). */
export type DealMessage = { drawSeq: number; moveCount: number } & HandState;

/** A hand's clock, from its receipt: a seed not in by then voids it, moves not made by then stand. */
const HAND_SECONDS = 60;

class BlackjackRoom extends GameRoom<BlackjackStateType> {
  protected override readonly rules = blackjack;
  protected override readonly revealTimeoutMs = HAND_SECONDS * 1000;
  protected override readonly stakesChips = true;
  override state = new BlackjackState();
  #hand: OpenHand | undefined;

  protected override setUp(): void {
    this.on('bet', BetMessage, (client, bet) => this.#bet(client, bet));
    this.on('move', MoveMessage, (client, m) => this.#move(client, m.drawSeq, m.move, m.authorization));
  }

  protected override async playerJoined(client: PlayerClient): Promise<void> {
    // Chips this player won or got back on another process count here from the first bet.
    await services().chips.load(addressOf(client));
    this.#showBalance(addressOf(client));
    // Back after a drop: the hand goes on where it was.
    if (this.#hand?.deck) client.send('deal', this.#view(this.#hand));
  }

  async #bet(client: PlayerClient, bet: z.output<typeof BetMessage>): Promise<void> {
    const { config, chips } = services();
    if (this.#hand) throw new Refusal('hand-open', `draw ${this.#hand.receipt.drawSeq} is still being played`);
    const problem = stakeProblem(bet.stake, config.maxBetUnits);
    if (problem) throw new Refusal('bad-bet', problem);
    const authorization = this.authorize(client, { kind: 'hand', action: { stake: bet.stake }, commitment: bet.commitment }, bet.authorization);
    const address = addressOf(client);
    this.#reserve(address, bet.stake);
    this.state.phase = 'dealing';
    try {
      const receipt = await this.openDraw({ kind: 'hand', action: { stake: bet.stake }, players: [{ address, commitment: bet.commitment, authorization }] });
      this.#hand = { receipt, moves: [], busy: false };
      this.state.drawSeq = receipt.drawSeq;
    } catch (e) {
      this.state.phase = 'betting';
      throw e;
    } finally {
      chips.release(address, bet.stake);
      this.#showBalance(address);
    }
  }

  /** The seed is in: prove, deal, and end at once on a natural. */
  protected override async allRevealed(receipt: ReceiptRecord): Promise<void> {
    const hand = this.#hand;
    if (!hand || hand.receipt.drawSeq !== receipt.drawSeq) return this.settleDraw(receipt.drawSeq);
    hand.deck = deckOf(await this.transcript.beta(receipt.drawSeq));
    this.state.phase = 'playing';
    const view = this.#view(hand);
    this.tell(receipt, 'deal', view);
    if (view.done) await this.#finish(hand);
  }

  async #move(client: PlayerClient, drawSeq: number, move: string, signature: string | undefined): Promise<void> {
    const hand = this.#hand;
    if (!hand?.deck || hand.receipt.drawSeq !== drawSeq) throw new Refusal('not-now', `draw ${drawSeq} is not a hand being played here`, { drawSeq });
    if (hand.busy) throw new Refusal('busy', 'the previous move is still being recorded', { drawSeq });
    const legal = handState(hand.deck, hand.moves).legalMoves as string[];
    if (!legal.includes(move)) throw new Refusal('illegal-move', `${move} is not allowed now (allowed: ${legal.join(', ') || 'none'})`, { drawSeq });
    const address = addressOf(client);
    const authorization = this.authorizeMove(client, hand.receipt, move, signature);
    const stake = BlackjackActionSchema.parse(hand.receipt.action).stake;
    hand.busy = true;
    // A double puts in a second stake: held like a bet until the move record takes it.
    if (move === 'double') this.#reserve(address, stake);
    try {
      await this.recordMove(hand.receipt, address, move, authorization);
      hand.moves.push(move);
    } finally {
      if (move === 'double') services().chips.release(address, stake);
      hand.busy = false;
      this.#showBalance(address);
    }
    const view = this.#view(hand);
    this.tell(hand.receipt, 'deal', view);
    if (view.done) await this.#finish(hand);
  }

  async #finish(hand: OpenHand): Promise<void> {
    this.state.phase = 'settling';
    await this.settleDraw(hand.receipt.drawSeq);
  }

  protected override drawSettled(): void {
    this.#handEnded();
  }

  protected override drawVoided(): void {
    this.#handEnded();
  }

  #handEnded(): void {
    const player = this.#hand?.receipt.players[0];
    this.#hand = undefined;
    this.state.phase = 'betting';
    if (player) this.#showBalance(player);
  }

  #view(hand: OpenHand): DealMessage {
    // moveCount: the `moveIndex` the player's next move is signed with.
    return { drawSeq: hand.receipt.drawSeq, moveCount: hand.moves.length, ...handState(hand.deck!, hand.moves) };
  }

  #reserve(address: string, amount: number): void {
    try {
      services().chips.reserve(address, amount);
    } catch (e) {
      if (e instanceof InsufficientChips) throw new Refusal('insufficient-chips', e.message);
      throw e;
    }
  }

  #showBalance(address: string): void {
    this.state.balance = services().chips.available(address);
  }
}

/**
 * The stake is taken at the receipt and a double's second stake at its move; a void refunds the
 * stake (a hand is voided only before its seed is in, so before any move); the outcome pays its
 * payout in chips. Wins and losses move chips only (coins come from cashing out), as at dice.
 */
function blackjackEffects(record: HashedRecord, receipt: ReceiptRecord): RecordEffects {
  const player = receipt.players[0]!;
  const action = BlackjackActionSchema.parse(receipt.action);
  const ref = `${record.roomId}/${record.drawSeq}`;
  if (record.type === 'receipt') return { chips: [{ ref: `${ref}/stake`, address: player, delta: -action.stake, reason: 'stake' }], awards: [] };
  if (record.type === 'move')
    return record.move === 'double' ? { chips: [{ ref: `${ref}/double`, address: player, delta: -action.stake, reason: 'double' }], awards: [] } : NO_EFFECTS;
  if (record.type === 'void') return { chips: [{ ref: `${ref}/refund`, address: player, delta: action.stake, reason: 'refund' }], awards: [] };
  if (record.type !== 'outcome') return NO_EFFECTS;
  const result = record.result as unknown as HandResult;
  if (result.payout === 0) return NO_EFFECTS;
  return { chips: [{ ref: `${ref}/payout`, address: player, delta: result.payout, reason: 'payout' }], awards: [] };
}

export default {
  rules: blackjack,
  room: BlackjackRoom,
  effects: blackjackEffects,
  // The bet limits are in chips (a stake is in units).
  terms: (config) => ({ minBet: MIN_STAKE_UNITS / UNITS_PER_CHIP, maxBet: config.maxBet, handSeconds: HAND_SECONDS }),
} satisfies ServerGame;
