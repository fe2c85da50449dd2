/**
 * The services rooms call: everything that is not a game rule. Colyseus builds rooms itself,
 * one room registry per process, so the services are provided once at startup and rooms take
 * them from here (not from join options, which clients control).
 * @module
 */
import type { Logger } from 'pino';
import type { AwardSink } from './awards/award-sink.ts';
import type { SeatRegistry } from './auth/seats.ts';
import type { SignInService } from './auth/siwe.ts';
import type { ChipLedger } from './chips/chip-ledger.ts';
import type { BonusGate } from './economy/bonus-gate.ts';
import type { Config } from './config.ts';
import type { RoomStore } from './fairness/room-store.ts';
import type { FairnessContext } from './fairness/context.ts';
import type { DrawIndex } from './indexes/draws.ts';
import type { RateLimits } from './limits/rate-limits.ts';
import type { DamageReports } from './storage/damage.ts';
import type { AnchorReader } from './fairness-chain/anchor-reader.ts';
import type { RulesArchive } from './fairness/rules-archive.ts';

export interface GameServices {
  readonly config: Config;
  readonly log: Logger;
  readonly rooms: RoomStore;
  /** The VRF key, the operator's signer and the rules each game is served under. */
  readonly fairness: FairnessContext;
  /** Every player's draws, for GET /players/:address/draws. */
  readonly draws: DrawIndex;
  readonly chips: ChipLedger;
  /** The sybil gate on the starting bonus, asked at every authenticated join (economy/bonus-at-join.ts). */
  readonly bonus?: BonusGate;
  readonly awards: AwardSink;
  readonly signIn: SignInService;
  readonly seats: SeatRegistry;
  /** Per-client and per-address rate limits (rooms count their creations here). */
  readonly rateLimits: RateLimits;
  /** What this start found damaged and set aside, for GET /health. */
  readonly damage?: DamageReports;
  /** The transcripts' anchors on the fairness registry, once it is known (`startFairnessChain`). */
  readonly anchors?: AnchorReader;
  /** Every rules document served, by hash, for GET /rules/:hash. */
  readonly rulesArchive?: RulesArchive;
}

let provided: GameServices | undefined;

export function provideServices(services: GameServices | undefined): void {
  provided = services;
}

export function services(): GameServices {
  if (!provided) throw new Error('game services are not started');
  return provided;
}
