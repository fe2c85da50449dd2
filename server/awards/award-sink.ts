/**
 * Awards: what players win that becomes tokens. Rooms report awards to an `AwardSink`; the
 * server's is the durable outbox (`AwardOutbox`, idempotent by award id) that the minter drains,
 * kept in the database (`sql-award-outbox.ts`). Every award names the draw record it came from.
 * @module
 */
import { canonicalJson, sha256, utf8ToBytes, bytesToHex } from '../../vrf/protocol/encoding.ts';
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';

export interface AwardSource {
  readonly roomId: string;
  readonly drawSeq: number;
  readonly recordSeq: number;
  readonly recordHash: string;
}

export interface Award {
  /** 32 bytes hex, derived from the source record: the same win always has the same id. */
  readonly awardId: string;
  readonly player: string;
  readonly tokenId: number;
  readonly amount: number;
  readonly source: AwardSource;
}

export interface AwardSink {
  /** Resolves once the awards are durable; awards recorded before are ignored. */
  record(awards: readonly Award[]): Promise<void>;
  awardsOf(player: string): Promise<Award[]>;
}

/** The award outbox the minter drains: awards by id, in the order recorded. */
export interface AwardOutbox extends AwardSink {
  get(awardId: string): Promise<Award | undefined>;
  has(awardId: string): Promise<boolean>;
  /** Awards recorded, each once. */
  count(): Promise<number>;
  /**
   * Awards numbered after `after` and not minted on `contract`, in the order recorded, at most
   * `limit`; `through` is the number read up to, the next call's `after`.
   */
  unminted(contract: string, after: number, limit: number): Promise<{ awards: Award[]; through: number }>;
  /** Called with each batch of awards this process recorded, once it is durable (the minter's wake-up). */
  onRecorded(listener: (awards: readonly Award[]) => void): () => void;
  /** Waits for the awards recorded so far to be written (or refused). */
  close(): Promise<void>;
}

const AwardSchema = z.strictObject({
  awardId: z.string().regex(/^[0-9a-f]{64}$/),
  player: AddressSchema,
  tokenId: z.number().int().min(0),
  amount: z.number().int().min(1),
  source: z.strictObject({ roomId: z.string(), drawSeq: z.number().int().min(0), recordSeq: z.number().int().min(0), recordHash: z.string().regex(/^[0-9a-f]{64}$/) }),
});

export const parseAward = (value: unknown): Award => AwardSchema.parse(value);

/** awardId = SHA-256(canonical JSON of {index, source}), hex. */
export function awardId(source: AwardSource, index: number): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson({ index, source: { ...source } }))));
}

/** An award the outbox refuses: it could never be minted, so it must not wait there. */
export class InvalidAward extends Error {}

/** Throws InvalidAward for the first award that is malformed or of a token id not in `tokenIds`. */
export function checkAwards(awards: readonly Award[], tokenIds: ReadonlySet<number>): void {
  for (const a of awards) {
    const parsed = AwardSchema.safeParse(a);
    if (!parsed.success)
      throw new InvalidAward(`award ${String(a?.awardId)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (!tokenIds.has(a.tokenId)) throw new InvalidAward(`award ${a.awardId}: unknown token id ${a.tokenId}`);
  }
}

/**
 * A cash-out's award (docs/economy.md): coins minted to the player for chips taken. Its source
 * names no draw: `roomId` is this word, which no room id can be (Colyseus ids are 9 characters),
 * and `recordHash` is the award id itself.
 */
export const WITHDRAWAL_ROOM = 'withdrawal';

/** A cash-out's award id: SHA-256(canonical JSON of {withdrawal: {address, requestId}}), hex; the same request is the same award. */
export function withdrawalAwardId(address: string, requestId: string): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson({ withdrawal: { address: address.toLowerCase(), requestId } }))));
}

/** Whether an award is a cash-out rather than a win. */
export const isWithdrawal = (award: Pick<Award, 'source'>): boolean => award.source.roomId === WITHDRAWAL_ROOM;
