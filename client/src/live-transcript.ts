/**
 * One room's records as the page receives them, checked by the one `TranscriptVerifier` in
 * chain order. The page hears only some records (dice tells each bettor its own; a page that
 * joined late or dropped missed earlier ones), so the chain is kept with the room's published
 * transcript: fetched when the page starts following the room and whenever a record arrives
 * ahead of the chain (a gap). Records heard while a fetch is in flight wait and are matched
 * after, against the transcript's copy when it held them. A gap is never a failure: a record
 * that cannot be placed yet is said to be unplaced; only a record that is wrong, or a
 * transcript that contradicts a record already verified, fails.
 *
 * Pure logic (no DOM, no worker API): the page runs it in its verification worker; tests run it
 * in Node with a fake fetch.
 * @module
 */
import { jsonHash, type JsonValue } from '../../vrf/protocol/encoding.ts';
import { recordHash, type DrawRecord, type ReceiptRecord } from '../../vrf/protocol/records.ts';
import { TranscriptSchema } from '../../vrf/protocol/transcript.ts';
import type { RegistryEntries } from '../../vrf/protocol/registry-check.ts';
import { TranscriptVerifier, type TrustedKeys } from '../../vrf/protocol/verifier.ts';

export interface Verdict {
  readonly seq: number;
  readonly type: string;
  readonly drawSeq?: number;
  /** The failed checks; empty when the record holds (or could not be placed yet). */
  readonly problems: string[];
  /** The verified receipt of the record's draw (outcome, move, void). */
  readonly receipt?: ReceiptRecord;
  /** Whether this page heard the draw's receipt itself, or knows it from the room's transcript only (it joined after). */
  readonly receiptVia?: 'live' | 'transcript';
  /** Set when the record could not be placed in the chain (its transcript could not be had): not checked, not failed. */
  readonly unplaced?: string;
}

interface Waiting {
  readonly raw: unknown;
  readonly fingerprint: string;
  readonly resolve: (v: Verdict) => void;
}

/** How long a gap may close by itself (records of concurrent handlers can arrive out of order) before fetching. */
const GAP_WAIT_MS = 250;
const RETRY_MS = [500, 1000, 2000];
/** Verdicts kept to answer a record heard after the transcript already held it. */
const KEEP = 4096;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The record with its hash field, as JSON: two copies of one record have the same. */
function fingerprint(raw: unknown): string {
  try {
    return jsonHash(raw as JsonValue);
  } catch {
    return 'unhashable';
  }
}

export class LiveTranscript {
  readonly #verifier: TranscriptVerifier;
  /** Records heard, by seq, not yet in the chain (ahead of it, or heard while fetching). */
  readonly #waiting = new Map<number, Waiting[]>();
  /** The latest verdicts by seq, with the fingerprint of the record they were made on. */
  readonly #done = new Map<number, { fingerprint: string; verdict: Verdict }>();
  /** Seqs of receipts this page heard itself. */
  readonly #heard = new Set<number>();
  #fetching: Promise<void> | undefined;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;
  /** The transcript contradicted a record already verified: the chain cannot go on. */
  #fork: string | undefined;

  constructor(
    readonly roomId: string,
    keys: TrustedKeys,
    private readonly fetchTranscript: () => Promise<unknown>,
    /** Told of each record taken from the transcript that fails: history this page did not hear but must not hide. */
    private readonly onHistory: (v: Verdict) => void = () => undefined,
    /** The fairness registry's entries: when given, every receipt must be backed by those in force at its issue. */
    registry?: RegistryEntries,
  ) {
    this.#verifier = new TranscriptVerifier(roomId, keys, 2, new Map(), registry);
  }

  /** Where the chain stands: the seq expected next. */
  get next(): number {
    return this.#verifier.next;
  }

  /** Verifies the room's transcript so far (a page joining, or back after a drop); resolves when done. */
  catchUp(): Promise<void> {
    return this.#fetch();
  }

  /** A record heard over the socket: resolves with its verdict once the chain reaches it. */
  receive(raw: unknown): Promise<Verdict> {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<DrawRecord>;
    const seq = r.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
      return Promise.resolve({ seq: -1, type: 'malformed', problems: ['not a record: it has no seq'] });
    if (r.type === 'receipt') this.#heard.add(seq);
    return new Promise((resolve) => {
      this.#waiting.set(seq, [...(this.#waiting.get(seq) ?? []), { raw, fingerprint: fingerprint(raw), resolve }]);
      this.#pump();
    });
  }

  /** Answers what can be answered; a gap left over starts the wait for the transcript. */
  #pump(): void {
    if (this.#fetching) return;
    clearTimeout(this.#gapTimer);
    this.#drain();
    if (this.#waiting.size) this.#gapTimer = setTimeout(() => void this.#fetch(), GAP_WAIT_MS);
  }

  /** Answers every waiting record the chain has reached or reaches now, in order. */
  #drain(): void {
    if (this.#fork) {
      for (const [seq, list] of this.#waiting) list.forEach((w) => w.resolve({ seq, type: 'unknown', problems: [this.#fork!] }));
      return this.#waiting.clear();
    }
    for (;;) {
      for (const [seq, list] of this.#waiting) if (seq < this.next) this.#answerKnown(seq, list);
      const seq = this.next;
      const list = this.#waiting.get(seq);
      if (!list) return;
      this.#waiting.delete(seq);
      const [first, ...copies] = list as [Waiting, ...Waiting[]];
      first.resolve(this.#take(first.fingerprint, first.raw, 'live'));
      this.#answerKnown(seq, copies);
    }
  }

  /** Copies of a record already in the chain: the verdict made on it, if they are the same record. */
  #answerKnown(seq: number, list: Waiting[]): void {
    this.#waiting.delete(seq);
    const done = this.#done.get(seq);
    for (const w of list) {
      if (!done) w.resolve({ seq, type: 'unknown', problems: [], unplaced: `record ${seq} was checked long ago in this room and is no longer held` });
      else if (done.fingerprint === w.fingerprint) w.resolve(done.verdict);
      else w.resolve({ ...done.verdict, problems: [`this copy of record ${seq} differs from the one in the chain: the server showed two versions of it`] });
    }
  }

  /** Checks one record as the chain's next; keeps its verdict for copies heard later. */
  #take(print: string, raw: unknown, via: 'live' | 'transcript'): Verdict {
    const at = this.next;
    const accepted = this.#verifier.accept(raw);
    const { receipt } = accepted;
    const verdict: Verdict = receipt ? { ...accepted, receiptVia: this.#heard.has(receipt.seq) ? 'live' : 'transcript' } : accepted;
    this.#done.set(at, { fingerprint: print, verdict });
    if (this.#done.size > KEEP) this.#done.delete(this.#done.keys().next().value!);
    if (via === 'transcript' && verdict.problems.length && !this.#waiting.has(at)) this.onHistory(verdict);
    return verdict;
  }

  /** Fetches the transcript (retrying a few times) and takes in what the chain lacks. */
  #fetch(): Promise<void> {
    this.#fetching ??= (async () => {
      clearTimeout(this.#gapTimer);
      let why = '';
      try {
        for (const delay of [0, ...RETRY_MS]) {
          await sleep(delay);
          why = this.#catchUp(await this.fetchTranscript().catch((e: Error) => e));
          if (why) continue;
          this.#drain();
          const ahead = Math.max(...this.#waiting.keys(), -1);
          if (ahead < this.next) break;
          why = `the transcript ends at record ${this.next - 1}, before record ${ahead} heard`;
        }
      } finally {
        this.#fetching = undefined;
      }
      if (why) this.#giveUp(why);
      this.#pump();
    })();
    return this.#fetching;
  }

  /** Records still ahead of the chain after every retry are answered as unplaced: a gap is no fault. */
  #giveUp(why: string): void {
    for (const [seq, list] of this.#waiting) {
      if (seq <= this.next) continue;
      this.#waiting.delete(seq);
      for (const w of list) w.resolve({ seq, type: 'unknown', problems: [], unplaced: `not placed in the room's chain yet: ${why}` });
    }
  }
  /** Takes the transcript's records the chain lacks; returns why it could not, or ''. */
  #catchUp(input: unknown): string {
    if (input instanceof Error) return `the transcript could not be fetched (${input.message})`;
    const parsed = TranscriptSchema.safeParse(input);
    if (!parsed.success || parsed.data.roomId !== this.roomId) return 'the server answered something else than this room\'s transcript';
    const records = parsed.data.records;
    const next = this.next;
    if (next > 0) {
      const last = records[next - 1];
      if (last === undefined) return `the transcript ends before record ${next - 1}, which this page already verified`;
      if (this.#sameRecord(last) === false) {
        this.#fork = `the room's transcript contradicts record ${next - 1} this page verified: the server showed two histories`;
        return '';
      }
    }
    for (let i = next; i < records.length; i++) this.#take(fingerprint(records[i]), records[i], 'transcript');
    return '';
  }

  /** Whether a transcript record is the one the chain's head is (by its recomputed hash). */
  #sameRecord(raw: unknown): boolean {
    try {
      const { hash: _claimed, ...bare } = raw as DrawRecord & { hash?: string };
      return recordHash(bare as DrawRecord) === this.#verifier.head;
    } catch {
      return false;
    }
  }
}
