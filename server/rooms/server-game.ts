/**
 * A game as the server runs it: its published rules, its room, and what each of its records does
 * to chips and awards. Each game's `games/<id>/room.ts` exports one as its default; the server
 * loads them for the games `games/registry.ts` lists.
 * @module
 */
import type { defineRoom } from '@colyseus/core';
import type { GameRules, RulesTerms } from '../../games/game-rules.ts';
import type { JsonValue } from '../../vrf/protocol/encoding.ts';
import type { Config } from '../config.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Award } from '../awards/award-sink.ts';
import type { ChipEntry } from '../chips/chip-ledger.ts';

export interface RecordEffects {
  readonly chips: ChipEntry[];
  readonly awards: Award[];
}

export interface ServerGame {
  readonly rules: GameRules;
  /** The room class, as Colyseus' defineRoom takes it. */
  readonly room: Parameters<typeof defineRoom>[0];
  /**
   * What a record of this game does to chips and awards, given its draw's receipt. The live room
   * and crash recovery both apply these; each effect carries a unique reference, so a record is
   * never counted twice.
   */
  effects(record: HashedRecord, receipt: ReceiptRecord): RecordEffects;
  /** The server's policy for the game (a bet limit, a round's length), published at /fairness; nothing an outcome depends on. */
  terms?(config: Config): Record<string, JsonValue>;
  /** The operator's values of the rules' configurable terms (dice: the house edge): they go into the rules document. */
  ruleSettings?(config: Config): RulesTerms;
}

export const NO_EFFECTS: RecordEffects = Object.freeze({ chips: [], awards: [] });

/** Where a record's effects come from, for award ids and the inventory's "source draw". */
export function sourceOf(record: HashedRecord): { roomId: string; drawSeq: number; recordSeq: number; recordHash: string } {
  return { roomId: record.roomId, drawSeq: record.drawSeq, recordSeq: record.seq, recordHash: record.hash };
}
