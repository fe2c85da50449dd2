/**
 * What a draw record does to chips and awards, for every game, applied in one place: by the live
 * room as records are written and by crash recovery over rooms left open. Each effect carries a
 * unique reference, so applying a record again changes nothing.
 * @module
 */
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { AwardSink } from '../awards/award-sink.ts';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import { serverGame } from '../games.ts';

/**
 * Applies a record's effects. Chip balances change at once; `chips` resolves when the entries
 * are committed to the database and `awards` when the awards are (an award is durable before its winner is told).
 */
export function applyRecordEffects(
  deps: { chips: ChipLedger; awards: AwardSink },
  record: HashedRecord,
  receipt: ReceiptRecord,
): { chips: Promise<void>; awards: Promise<void> } {
  const game = serverGame(receipt.game);
  if (!game) throw new Error(`no effects for game ${receipt.game}: it is not among the loaded games`);
  const { chips, awards } = game.effects(record, receipt);
  return { chips: deps.chips.apply(chips), awards: deps.awards.record(awards) };
}
