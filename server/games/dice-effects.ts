/**
 * What each dice record does to chips and awards. The live room and crash recovery both apply
 * these, and every effect has a unique reference, so a record is never counted twice.
 * @module
 */
import type { HashedRecord, ReceiptRecord } from '../../vrf/protocol/records.ts';
import { DiceActionSchema } from '../../games/dice/rules.ts';
import { awardId, type Award } from '../awards/award-sink.ts';
import { COIN_TOKEN_ID } from '../awards/tokens.ts';
import type { ChipEntry } from '../chips/chip-ledger.ts';

/** Dice winnings become coins. */
const DICE_WIN_TOKEN_ID = COIN_TOKEN_ID;

export function diceEffects(record: HashedRecord, receipt: ReceiptRecord): { chips: ChipEntry[]; awards: Award[] } {
  const player = receipt.players[0]!;
  const { stake } = DiceActionSchema.parse(receipt.action);
  const ref = `${record.roomId}/${record.drawSeq}`;
  if (record.type === 'receipt') return { chips: [{ ref: `${ref}/stake`, address: player, delta: -stake, reason: 'stake' }], awards: [] };
  if (record.type === 'void') return { chips: [{ ref: `${ref}/refund`, address: player, delta: stake, reason: 'refund' }], awards: [] };
  if (record.type !== 'outcome') return { chips: [], awards: [] };
  const payout = Number(record.result['payout'] ?? 0);
  if (payout === 0) return { chips: [], awards: [] };
  const source = { roomId: record.roomId, drawSeq: record.drawSeq, recordSeq: record.seq, recordHash: record.hash };
  const won = payout - stake;
  return {
    chips: [{ ref: `${ref}/payout`, address: player, delta: payout, reason: 'payout' }],
    awards: won > 0 ? [{ awardId: awardId(source, 0), player, tokenId: DICE_WIN_TOKEN_ID, amount: won, source }] : [],
  };
}
