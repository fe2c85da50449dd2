/**
 * After a crash: every room left open by the previous run is settled and filed. A draw whose
 * seeds were all revealed (and journaled) is proven and paid: the VRF makes its outcome the one
 * it would have had. A draw still waiting for a seed is voided and its stake refunded. Then every
 * record's effects are applied again; they are idempotent, so what was already applied stays once.
 * @module
 */
import type { Logger } from 'pino';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { Award, AwardSink } from '../awards/award-sink.ts';
import type { ChipEntry, ChipLedger } from '../chips/chip-ledger.ts';
import { diceEffects } from '../games/dice-effects.ts';
import type { RoomStore } from './room-store.ts';

type Effects = (record: HashedRecord, receipt: ReceiptRecord) => { chips: ChipEntry[]; awards: Award[] };

/** Each game's effects of a record on chips and awards. */
export const effectsByGame: Readonly<Record<string, Effects>> = { dice: diceEffects };

export async function recoverRooms(deps: { rooms: RoomStore; chips: ChipLedger; awards: AwardSink; log: Logger }): Promise<number> {
  const ids = await deps.rooms.leftOpen();
  for (const roomId of ids) {
    const room = await deps.rooms.open(roomId);
    for (const { receipt } of room.pendingDraws())
      await room.conclude(receipt.drawSeq, 'the server restarted before every seed was revealed');
    const receipts = new Map<number, ReceiptRecord>();
    for (const record of room.records) {
      if (record.type === 'receipt') receipts.set(record.drawSeq, record);
      const receipt = receipts.get(record.drawSeq)!;
      const effects = effectsByGame[receipt.game];
      if (!effects) throw new Error(`room ${roomId}: no effects for game ${receipt.game}`);
      const { chips, awards } = effects(record, receipt);
      await deps.chips.apply(chips);
      await deps.awards.record(awards);
    }
    await deps.rooms.finish(room);
    deps.log.info({ roomId, records: room.records.length }, 'recovered a room left open by the previous run');
  }
  return ids.length;
}
