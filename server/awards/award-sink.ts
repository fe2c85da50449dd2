/**
 * Awards: what players win that becomes tokens. Rooms report awards to an `AwardSink`; this
 * one is the durable outbox (a journal, idempotent by award id) that the minter will drain.
 * Every award names the draw record it came from.
 *
 * Awards stay on disk: memory holds only where each one is (a few dozen bytes an award, as in
 * Bitcask's key directory), so a server that runs for weeks does not grow by its history.
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
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
  awardsOf(player: string): Promise<Award[]>;
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

/** A place is a file number and a byte offset in one safe integer (files up to 1 TiB). */
const FILE_SPAN = 2 ** 40;
/** An award id's first 13 hex digits (52 bits) as a number: a compact key, checked on disk. */
const keyOf = (awardId: string): number => Number.parseInt(awardId.slice(0, 13), 16);
const LINE_GUESS = 1024;

export class JournalAwardSink implements AwardSink {
  /** Award key -> place; the few ids whose key another id took first are in #collisions. */
  readonly #byKey = new Map<number, number>();
  readonly #collisions = new Map<string, number>();
  readonly #byPlayer = new Map<string, number[]>();
  /** Journals awards are read from: ours first, then other processes' (absorb). */
  readonly #files: string[];
  readonly #handles = new Map<number, Promise<FileHandle>>();
  readonly #listeners: ((awards: readonly Award[]) => void)[] = [];
  /** Awards appended but not on disk yet, by place: read from here until their write lands. */
  readonly #unwritten = new Map<number, Award>();
  /** record() admits one batch at a time, so a duplicate made meanwhile is always seen. */
  #admitting: Promise<unknown> = Promise.resolve();
  #count = 0;

  private constructor(
    private readonly journal: Journal<Award>,
    private readonly tokenIds: ReadonlySet<number>,
  ) {
    this.#files = [journal.path];
  }

  /** `tokenIds`: the token ids the contract knows; an award of any other id is refused. */
  static async open(path: string, tokenIds: Iterable<number>): Promise<JournalAwardSink> {
    const { journal, entries, offsets } = await Journal.open<Award>(path, parseAward);
    const sink = new JournalAwardSink(journal, new Set(tokenIds));
    entries.forEach((a, i) => sink.#place(a, offsets[i]!));
    return sink;
  }

  /** Awards recorded (here or absorbed), each once. */
  get count(): number {
    return this.#count;
  }

  /** Refuses the whole batch with InvalidAward if any award is malformed; nothing is written then. */
  async record(awards: readonly Award[]): Promise<void> {
    for (const a of awards) {
      const parsed = AwardSchema.safeParse(a);
      if (!parsed.success)
        throw new InvalidAward(`award ${String(a?.awardId)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (!this.tokenIds.has(a.tokenId)) throw new InvalidAward(`award ${a.awardId}: unknown token id ${a.tokenId}`);
    }
    const admitted = this.#admitting.then(() => this.#admit(awards));
    this.#admitting = admitted.catch(() => undefined);
    const { fresh, places, written } = await admitted;
    if (fresh.length === 0) return;
    try {
      await written;
    } catch (err) {
      for (const [i, a] of fresh.entries()) this.#unplace(a, places[i]!);
      throw err;
    } finally {
      for (const place of places) this.#unwritten.delete(place);
    }
    for (const listener of this.#listeners) listener(fresh);
  }

  async #admit(awards: readonly Award[]): Promise<{ fresh: Award[]; places: number[]; written: Promise<void> }> {
    const fresh: Award[] = [];
    for (const a of awards) {
      if (fresh.some((f) => f.awardId === a.awardId)) continue;
      // A known key is checked against the award it names (on disk, or not yet written).
      if (this.#placeOf(a.awardId) !== undefined && (await this.has(a.awardId))) continue;
      fresh.push(a);
    }
    if (fresh.length === 0) return { fresh, places: [], written: Promise.resolve() };
    const { offsets, written } = this.journal.appendPlaced(fresh);
    fresh.forEach((a, i) => {
      this.#place(a, offsets[i]!);
      this.#unwritten.set(offsets[i]!, a);
    });
    return { fresh, places: offsets, written };
  }

  /**
   * Awards another process of the cluster recorded (already durable there, in `path` at the
   * given offsets): known here, not written again.
   */
  absorb(path: string, placed: readonly { value: Award; offset: number }[]): void {
    let file = this.#files.indexOf(path);
    if (file < 0) file = this.#files.push(path) - 1;
    const fresh = placed.filter(({ value }) => this.#placeOf(value.awardId) === undefined);
    for (const { value, offset } of fresh) this.#place(value, file * FILE_SPAN + offset);
    if (fresh.length > 0) for (const listener of this.#listeners) listener(fresh.map((p) => p.value));
  }

  async has(awardId: string): Promise<boolean> {
    return (await this.get(awardId)) !== undefined;
  }

  async get(awardId: string): Promise<Award | undefined> {
    const place = this.#placeOf(awardId);
    if (place === undefined) return undefined;
    const award = await this.#read(place);
    if (award.awardId === awardId) return award;
    // Another id with the same key: this one is among the collisions, or unknown.
    const other = this.#collisions.get(awardId);
    return other === undefined ? undefined : this.#read(other);
  }

  /** Every award on disk, in the order recorded, read one file at a time (for the minter's start). */
  async scan(visit: (award: Award) => void): Promise<void> {
    for (const path of this.#files) {
      const awards = await Journal.read(path, parseAward).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
      for (const a of awards) visit(a);
    }
  }

  /** Called with each batch of new awards once it is durable (the minter's wake-up). */
  onRecorded(listener: (awards: readonly Award[]) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  async awardsOf(player: string): Promise<Award[]> {
    return Promise.all((this.#byPlayer.get(player.toLowerCase()) ?? []).map((place) => this.#read(place)));
  }

  async close(): Promise<void> {
    await this.journal.close();
    for (const handle of this.#handles.values()) await (await handle.catch(() => undefined))?.close();
  }

  #placeOf(awardId: string): number | undefined {
    return this.#collisions.get(awardId) ?? this.#byKey.get(keyOf(awardId));
  }

  #unplace(award: Award, place: number): void {
    if (this.#collisions.get(award.awardId) === place) this.#collisions.delete(award.awardId);
    else if (this.#byKey.get(keyOf(award.awardId)) === place) this.#byKey.delete(keyOf(award.awardId));
    const places = this.#byPlayer.get(award.player.toLowerCase()) ?? [];
    const at = places.indexOf(place);
    if (at >= 0) places.splice(at, 1);
    this.#count--;
  }

  #place(award: Award, place: number): void {
    const key = keyOf(award.awardId);
    if (this.#byKey.has(key)) this.#collisions.set(award.awardId, place);
    else this.#byKey.set(key, place);
    const player = award.player.toLowerCase();
    const places = this.#byPlayer.get(player);
    if (places) places.push(place);
    else this.#byPlayer.set(player, [place]);
    this.#count++;
  }

  async #read(place: number): Promise<Award> {
    const unwritten = this.#unwritten.get(place);
    if (unwritten) return unwritten;
    const file = Math.floor(place / FILE_SPAN);
    const offset = place % FILE_SPAN;
    let handle = this.#handles.get(file);
    if (!handle) {
      handle = open(this.#files[file]!, 'r');
      this.#handles.set(file, handle);
    }
    const fd = await handle;
    for (let size = LINE_GUESS; ; size *= 4) {
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await fd.read(buffer, 0, size, offset);
      const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (end >= 0) return parseAward(JSON.parse(buffer.subarray(0, end).toString('utf8')));
      if (bytesRead < size) throw new Error(`${this.#files[file]}: no whole award at byte ${offset}`);
    }
  }
}
