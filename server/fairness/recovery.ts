/**
 * After a crash: every room the previous run (or a dead process of the cluster) left open in the
 * database is settled and filed. A draw whose seeds were all revealed (and written) is proven and
 * paid: the VRF makes its outcome the one it would have had. A draw still waiting for a seed is
 * voided and its stake refunded. Then every record's effects are applied again, and every record
 * is fed to the indexes again; both are idempotent, so what was already applied or indexed stays
 * once.
 *
 * A room whose records cannot be read back (`DamagedRecord`) is set aside rather than stopping
 * the start: quarantined in the database, reported (`DamageSink`), and the next room goes on.
 * @module
 */
import type { Logger } from 'pino';
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import type { AwardSink } from '../awards/award-sink.ts';
import type { ChipLedger } from '../chips/chip-ledger.ts';
import { applyRecordEffects } from '../rooms/record-effects.ts';
import type { RecordIndex } from '../indexes/record-index.ts';
import type { DamageSink } from '../storage/damage.ts';
import { DamagedRecord } from './damaged-record.ts';
import type { RoomStore } from './room-store.ts';

export async function recoverRooms(deps: {
  rooms: RoomStore;
  chips: ChipLedger;
  awards: AwardSink;
  log: Logger;
  /** The indexes fed from the records (players' draws, used commitments). */
  index?: RecordIndex | undefined;
  /** Asked before each room (in a cluster: renew the lease on this work); false stops here. */
  mayGoOn?: () => Promise<boolean>;
  /** Told of each room set aside as damaged. */
  damage?: DamageSink | undefined;
}): Promise<number> {
  const ids = await deps.rooms.leftOpen();
  for (const roomId of ids) {
    if (deps.mayGoOn && !(await deps.mayGoOn())) throw new Error(`stopped settling rooms left open: the lease on that work was lost (at room ${roomId})`);
    try {
      await recoverRoom(deps, roomId);
    } catch (err) {
      if (!(err instanceof DamagedRecord)) throw err;
      await deps.rooms.quarantine(roomId, err.message);
      deps.damage?.found({ kind: 'room', where: `room ${roomId}, record ${err.seq}`, reason: err.message, report: `GET /rooms/${roomId}/transcript` });
    }
  }
  return ids.length;
}

/** Settles and files one room left open. */
async function recoverRoom(deps: Parameters<typeof recoverRooms>[0], roomId: string): Promise<void> {
  const room = await deps.rooms.resume(roomId);
  for (const { receipt } of room.pendingDraws())
    await room.conclude(receipt.drawSeq, 'server-restart');
  const records = await room.readRecords();
  // The crash may have cut the indexes' lines of this room short; fed again, what they hold stays once.
  for (const record of records) deps.index?.record(record);
  await reapplyEffects(deps, records);
  await deps.rooms.finish(room);
  deps.log.info({ roomId, records: room.recordCount }, 'recovered a room left open by the previous run');
}

/**
 * Applies the effects of a room's records again (chip entries, awards): each is keyed by what it
 * is, so what was applied stays once. All are handed over at once, so they are written a turn's
 * worth to a transaction rather than one commit per record; resolves once every one is written.
 */
export async function reapplyEffects(deps: { chips: ChipLedger; awards: AwardSink }, records: readonly HashedRecord[]): Promise<void> {
  const receipts = new Map<number, ReceiptRecord>();
  const writes: Promise<void>[] = [];
  for (const record of records) {
    if (record.type === 'receipt') receipts.set(record.drawSeq, record);
    if (record.type === 'close') continue;
    const { chips, awards } = applyRecordEffects(deps, record, receipts.get(record.drawSeq)!);
    writes.push(chips, awards);
  }
  await Promise.all(writes);
}
