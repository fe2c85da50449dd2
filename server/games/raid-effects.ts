/**
 * What each treasure-raid record does: a chest's loot becomes an award of its token to the player
 * who opened it; chest placement and voids do nothing to chips or awards.
 * @module
 */
import { LootActionSchema, lootOutcome } from '../../games/raid/rules.ts';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { awardId, type Award } from '../awards/award-sink.ts';
import type { ChipEntry } from '../chips/chip-ledger.ts';

export function raidEffects(record: HashedRecord, receipt: ReceiptRecord): { chips: ChipEntry[]; awards: Award[] } {
  if (record.type !== 'outcome' || receipt.kind !== 'loot') return { chips: [], awards: [] };
  LootActionSchema.parse(receipt.action);
  const { tokenId, amount } = record.result as ReturnType<typeof lootOutcome>;
  const source = { roomId: record.roomId, drawSeq: record.drawSeq, recordSeq: record.seq, recordHash: record.hash };
  return { chips: [], awards: [{ awardId: awardId(source, 0), player: receipt.players[0]!, tokenId, amount, source }] };
}
