/**
 * Awards: what players win that becomes tokens. Rooms report awards to an `AwardSink`; this
 * one is the durable outbox (a journal, idempotent by award id) that the minter will drain.
 * Every award names the draw record it came from.
 * @module
 */
import { canonicalJson, sha256, utf8ToBytes, bytesToHex } from '../../vrf/protocol/encoding.ts';
import { z } from 'zod';
import { AddressSchema } from '../../vrf/protocol/records.ts';
import { Journal } from '../storage/journal.ts';

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
  awardsOf(player: string): Award[];
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

export class JournalAwardSink implements AwardSink {
  readonly #byId = new Map<string, Award>();
  readonly #listeners: ((awards: readonly Award[]) => void)[] = [];

  private constructor(
    private readonly journal: Journal<Award>,
    private readonly tokenIds: ReadonlySet<number>,
  ) {}

  /** `tokenIds`: the token ids the contract knows; an award of any other id is refused. */
  static async open(path: string, tokenIds: Iterable<number>): Promise<JournalAwardSink> {
    const { journal, entries } = await Journal.open<Award>(path, parseAward);
    const sink = new JournalAwardSink(journal, new Set(tokenIds));
    for (const a of entries) sink.#byId.set(a.awardId, a);
    return sink;
  }

  /** Refuses the whole batch with InvalidAward if any award is malformed; nothing is written then. */
  async record(awards: readonly Award[]): Promise<void> {
    for (const a of awards) {
      const parsed = AwardSchema.safeParse(a);
      if (!parsed.success)
        throw new InvalidAward(`award ${String(a?.awardId)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (!this.tokenIds.has(a.tokenId)) throw new InvalidAward(`award ${a.awardId}: unknown token id ${a.tokenId}`);
    }
    const fresh = awards.filter((a) => !this.#byId.has(a.awardId));
    if (fresh.length === 0) return;
    for (const a of fresh) this.#byId.set(a.awardId, a);
    await this.journal.appendMany(fresh);
    for (const listener of this.#listeners) listener(fresh);
  }

  /** Awards another process of the cluster recorded (already durable there): known, not written again. */
  absorb(awards: readonly Award[]): void {
    const fresh = awards.filter((a) => !this.#byId.has(a.awardId));
    if (fresh.length === 0) return;
    for (const a of fresh) this.#byId.set(a.awardId, a);
    for (const listener of this.#listeners) listener(fresh);
  }

  /** Every award, in the order recorded. */
  all(): IterableIterator<Award> {
    return this.#byId.values();
  }

  get(awardId: string): Award | undefined {
    return this.#byId.get(awardId);
  }

  /** Called with each batch of new awards once it is durable (the minter's wake-up). */
  onRecorded(listener: (awards: readonly Award[]) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  awardsOf(player: string): Award[] {
    const key = player.toLowerCase();
    return [...this.#byId.values()].filter((a) => a.player.toLowerCase() === key);
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
